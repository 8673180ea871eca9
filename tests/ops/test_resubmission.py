"""The same contribution sent twice (double click, network retry) is saved once."""

import datetime
import threading

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from rest_framework.test import APIClient

from contributions.models import Contribution
from egts.models import SubmissionGuard
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db

SUBMIT = "/contributions/contribuer/"
API = "/api/v1/contributions/"


def form_data(**overrides):
    data = {
        "kind": "observation",
        "title": "Des places qui manquent",
        "body": "Les places d'hébergement pour les familles manquent dès l'automne.",
        "themes": ["T1", "T3"],
        "policies": ["P2"],
        "department": "13",
        "actor_category": "benevoles",
        "website": "",
    }
    data.update(overrides)
    return data


def api_payload(**overrides):
    payload = {
        "kind": "proposal",
        "title": "Un référent de parcours",
        "body": "Chaque personne devrait avoir un référent unique qui coordonne son parcours.",
        "themes": ["T4"],
        "policies": ["P1"],
        "department": "13",
        "actor_category": "professionnels",
    }
    payload.update(overrides)
    return payload


def test_the_same_form_posted_twice_creates_one_contribution(client):
    client.force_login(UserFactory())

    first = client.post(SUBMIT, form_data())
    second = client.post(SUBMIT, form_data())

    assert Contribution.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_the_same_api_request_retried_answers_the_first_contribution():
    api = APIClient()
    api.force_authenticate(UserFactory())

    first = api.post(API, api_payload(), format="json")
    retried = api.post(API, api_payload(), format="json")

    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.json()["id"] == first.json()["id"]
    assert Contribution.objects.count() == 1


def test_a_different_text_or_another_author_is_a_new_contribution(client):
    author = UserFactory()
    client.force_login(author)
    client.post(SUBMIT, form_data())
    client.post(SUBMIT, form_data(body="Les places d'hébergement manquent aussi au printemps."))
    client.force_login(UserFactory())
    client.post(SUBMIT, form_data())

    assert Contribution.objects.count() == 3
    assert Contribution.objects.filter(author=author).count() == 2


def test_the_same_text_sent_again_after_the_window_is_a_new_contribution(client):
    client.force_login(UserFactory())
    client.post(SUBMIT, form_data())
    # Eleven minutes pass: for the contribution, and for the record of its sending.
    eleven_minutes = datetime.timedelta(minutes=11)
    Contribution.objects.update(submitted_at=F("submitted_at") - eleven_minutes)
    SubmissionGuard.objects.update(sent_at=F("sent_at") - eleven_minutes)

    client.post(SUBMIT, form_data())

    assert Contribution.objects.count() == 2


def test_records_of_sendings_past_the_window_are_purged_every_hour(client, settings):
    from egts.tasks import purge_submission_guards_task

    client.force_login(UserFactory())
    client.post(SUBMIT, form_data())
    client.post(SUBMIT, form_data(title="Un autre sujet"))
    eleven_minutes = datetime.timedelta(minutes=11)
    SubmissionGuard.objects.filter(
        fingerprint__in=SubmissionGuard.objects.values("fingerprint")[:1]
    ).update(sent_at=F("sent_at") - eleven_minutes)

    assert purge_submission_guards_task.delay().get() == 1

    assert SubmissionGuard.objects.count() == 1
    assert Contribution.objects.count() == 2  # the contributions themselves stay
    schedule = settings.CELERY_BEAT_SCHEDULE["purge-submission-guards"]
    assert schedule == {"task": "egts.purge_submission_guards", "schedule": 3600.0}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_copies_sent_at_the_same_moment_create_one_contribution():
    from importlib import import_module

    from django.apps import apps

    from egts.models import Department

    # A transactional test run before may have flushed the reference data; reload it.
    if not Department.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    author = UserFactory()
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send():
        client = Client()
        client.force_login(author)
        barrier.wait()
        statuses.append(client.post(SUBMIT, form_data()).status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [302, 302]
    assert Contribution.objects.count() == 1
