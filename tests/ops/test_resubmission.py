"""The same submission sent twice (double click, network retry) is saved once.

Contributions, practices (the API's, the form's first step, their attachments) and
questionnaire responses (signed in or not, form or API) share one mechanism:
egts/resubmission.py.
"""

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


# --- Practices ---------------------------------------------------------------------------

PRACTICES_API = "/api/v1/practices/"


def practice_payload(**overrides):
    payload = {
        "title": "Un référent de parcours pour les jeunes",
        "summary": "Un référent unique accompagne chaque jeune de 17 à 21 ans.",
        "context": "Des ruptures de prise en charge à la majorité.",
        "people_concerned": "Jeunes majeurs.",
        "actors": "Conseil général, mission locale.",
        "implementation": "Un référent désigné six mois avant la majorité.",
        "results": "Moins de sorties sèches.",
        "transfer_conditions": "Un accord entre le département et la mission locale.",
        "organisation": "Conseil général des Bouches-du-Rhône",
        "department": "13",
        "themes": ["T1", "T3"],
        "policies": ["P1"],
    }
    payload.update(overrides)
    return payload


def test_the_same_practice_sent_twice_through_the_api_is_created_once():
    from practices.models import Practice

    api = APIClient()
    api.force_authenticate(UserFactory())

    first = api.post(PRACTICES_API, practice_payload(), format="json")
    retried = api.post(PRACTICES_API, practice_payload(themes=["T3", "T1"]), format="json")

    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.json() == first.json() == {"id": first.json()["id"], "status": "pending"}
    assert Practice.objects.count() == 1


def test_another_practice_or_another_author_is_a_new_practice():
    from practices.models import Practice

    author = UserFactory()
    api = APIClient()
    api.force_authenticate(author)
    api.post(PRACTICES_API, practice_payload(), format="json")
    api.post(PRACTICES_API, practice_payload(results="Trois ans de suivi."), format="json")
    api.force_authenticate(UserFactory())
    api.post(PRACTICES_API, practice_payload(), format="json")

    assert Practice.objects.count() == 3
    assert Practice.objects.filter(author=author).count() == 2


def test_the_same_practice_sent_again_after_the_window_is_a_new_practice():
    from practices.models import Practice

    api = APIClient()
    api.force_authenticate(UserFactory())
    api.post(PRACTICES_API, practice_payload(), format="json")
    SubmissionGuard.objects.update(sent_at=F("sent_at") - datetime.timedelta(minutes=11))

    api.post(PRACTICES_API, practice_payload(), format="json")

    assert Practice.objects.count() == 2


def test_the_first_step_of_the_practice_form_posted_twice_is_one_draft(client):
    from practices.models import Practice

    client.force_login(UserFactory())
    step_one = {
        "title": "Groupe de parole des aidants",
        "summary": "Un groupe mensuel pour les aidants familiaux.",
        "organisation": "CLIC du Pays d'Aix",
        "department": "13",
        "themes": ["T2"],
        "action": "next",
    }

    first = client.post("/pratiques/proposer/", step_one)
    second = client.post("/pratiques/proposer/", step_one)

    draft = Practice.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/pratiques/{draft.pk}/etape/2/"


def test_a_draft_deleted_since_does_not_stop_the_same_first_step(client):
    from practices.models import Practice

    client.force_login(UserFactory())
    step_one = {"title": "Groupe de parole des aidants", "themes": ["T2"], "action": "save"}
    client.post("/pratiques/proposer/", step_one)
    Practice.objects.all().delete()

    response = client.post("/pratiques/proposer/", step_one)

    assert response.status_code == 302
    assert Practice.objects.count() == 1


def test_the_same_attachment_sent_twice_is_kept_once(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories.practices import PDF_BYTES, PracticeFactory

    practice = PracticeFactory(draft=True, current_step=4)
    api = APIClient()
    api.force_authenticate(practice.author)
    url = f"/api/v1/practices/{practice.pk}/attachments/"

    def send(content=PDF_BYTES):
        upload = SimpleUploadedFile("bilan.pdf", content, content_type="application/pdf")
        return api.post(url, {"file": upload}, format="multipart")

    first, retried = send(), send()
    other = send(PDF_BYTES + b"\n% une autre version\n")

    assert (first.status_code, retried.status_code, other.status_code) == (201, 201, 201)
    assert retried.json() == first.json()
    assert practice.attachments.count() == 2


def test_the_attachment_step_of_the_form_posted_twice_keeps_the_file_once(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories.practices import PDF_BYTES, PracticeFactory

    practice = PracticeFactory(draft=True, current_step=4)
    client.force_login(practice.author)
    url = f"/pratiques/{practice.pk}/etape/4/"

    for _ in range(2):
        upload = SimpleUploadedFile("bilan.pdf", PDF_BYTES, content_type="application/pdf")
        response = client.post(url, {"file": upload, "action": "save"})
        assert response.status_code == 302

    assert practice.attachments.count() == 1


# --- Questionnaire responses -------------------------------------------------------------


@pytest.fixture
def questionnaire():
    from tests.factories.contributions import build_questionnaire

    return build_questionnaire(slug="attentes")


def answers_of(questionnaire):
    by_label = {q.label: q for q in questionnaire.questions.all()}
    single, scale = by_label["Êtes-vous d'accord ?"], by_label["Votre note ?"]
    return [
        {"question": single.id, "choice": single.choices.get(label="Oui").id},
        {"question": scale.id, "value": 4},
        {"question": by_label["Pourquoi ?"].id, "text": "Pour travailler ensemble."},
    ]


def post_response(api, questionnaire, **extra):
    payload = {
        "actor_category": "usagers",
        "department": "13",
        "answers": answers_of(questionnaire),
    }
    return api.post(
        f"/api/v1/questionnaires/{questionnaire.slug}/responses/", payload, format="json", **extra
    )


def test_the_same_anonymous_response_sent_twice_counts_once(questionnaire):
    from contributions.models import Response

    api = APIClient()

    first = post_response(api, questionnaire)
    retried = post_response(api, questionnaire)

    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.json()["id"] == first.json()["id"]
    assert Response.objects.count() == 1


def test_the_same_answers_from_another_anonymous_person_count_twice(questionnaire):
    from contributions.models import Response

    api = APIClient()
    post_response(api, questionnaire, HTTP_USER_AGENT="Navigateur A")
    post_response(api, questionnaire, HTTP_USER_AGENT="Navigateur B")
    post_response(api, questionnaire, REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Navigateur A")

    assert Response.objects.count() == 3


def test_a_signed_in_response_sent_twice_answers_the_first(questionnaire):
    from contributions.models import Response

    api = APIClient()
    api.force_authenticate(UserFactory())

    first = post_response(api, questionnaire)
    retried = post_response(api, questionnaire)

    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.json()["id"] == first.json()["id"]
    assert Response.objects.count() == 1


def test_the_orm_path_counts_the_same_response_once_too(questionnaire, monkeypatch):
    from django.db import connection

    from contributions.models import Response

    monkeypatch.setattr(connection, "vendor", "sqlite")  # the path of `make run`
    api = APIClient()

    first = post_response(api, questionnaire)
    retried = post_response(api, questionnaire)

    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.json()["id"] == first.json()["id"]
    assert Response.objects.count() == 1


def test_a_response_deleted_since_does_not_stop_the_same_answers(questionnaire):
    from contributions.models import Response

    api = APIClient()
    post_response(api, questionnaire)
    Response.objects.all().delete()

    again = post_response(api, questionnaire)
    retried = post_response(api, questionnaire)

    assert (again.status_code, retried.status_code) == (201, 201)
    assert Response.objects.get().pk == again.json()["id"] == retried.json()["id"]


# --- At the same moment (real PostgreSQL: the guard's unique pair decides) ----------------


def _reload_reference_data():
    from importlib import import_module

    from django.apps import apps

    from egts.models import Department

    # A transactional test run before may have flushed the reference data; reload it.
    if not Department.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)


def _at_the_same_moment(send, copies=2) -> list[int]:
    barrier = threading.Barrier(copies)
    statuses: list[int] = []

    def run():
        try:
            barrier.wait()
            statuses.append(send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(statuses)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_copies_of_a_practice_sent_at_the_same_moment_create_one():
    from practices.models import Practice

    _reload_reference_data()
    author = UserFactory()

    def send() -> int:
        api = APIClient()
        api.force_authenticate(author)
        return api.post(PRACTICES_API, practice_payload(), format="json").status_code

    assert _at_the_same_moment(send) == [201, 201]
    assert Practice.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_copies_of_the_last_questionnaire_step_sent_at_the_same_moment_count_once():
    from contributions.models import Response
    from tests.factories.contributions import build_questionnaire

    _reload_reference_data()
    questionnaire = build_questionnaire(slug="attentes")
    by_label = {q.label: q for q in questionnaire.questions.all()}
    single, scale = by_label["Êtes-vous d'accord ?"], by_label["Votre note ?"]
    url = "/questionnaires/attentes/repondre/"
    browser = Client()
    browser.post(url, {"etape": 0, "actor_category": "usagers", "department": "13"})
    browser.post(
        url,
        {
            "etape": 1,
            f"question_{single.id}": single.choices.get(label="Oui").id,
            f"question_{scale.id}": 3,
        },
    )
    last_step = {"etape": 2, f"question_{by_label['Pourquoi ?'].id}": "Pour travailler ensemble."}

    def send() -> int:
        tab = Client()  # a second request from the same browser: the same session cookie
        tab.cookies = browser.cookies
        return tab.post(url, last_step).status_code

    assert _at_the_same_moment(send) == [302, 302]
    assert Response.objects.count() == 1
