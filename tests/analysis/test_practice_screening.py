"""A practice sent to moderation gets spaCy's NAME flag from a task after commit, never in
its own request (issue 18 item 8); the names it found are kept, and beat's sweep screens
the practices whose task never came (the broker was down)."""

import datetime

import pytest
from celery import current_app
from django.conf import settings
from django.utils import timezone

from analysis import tasks
from analysis.screening_models import PracticeCheck
from analysis.services.screening import unscreened_practice_ids
from analysis.tasks import screen_practice_names
from practices.models import Practice
from practices.services import practice_submit
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db


def _recogniser_forbidden(*args, **kwargs):
    raise AssertionError("spaCy's recogniser ran on the request path")


def test_a_practice_submission_leaves_the_names_to_the_task(
    monkeypatch, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(
        draft=True, current_step=4, results="Sophie Martin, écrivez-lui à lea@exemple.fr."
    )
    monkeypatch.setattr("egts.personal_data._pipeline", _recogniser_forbidden)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        practice_submit(practice=practice, author=practice.author)
    assert Practice.objects.get(pk=practice.pk).flags == ["email"]

    monkeypatch.undo()
    for callback in callbacks:
        callback()

    assert Practice.objects.get(pk=practice.pk).flags == ["email", "name"]


def test_the_task_drops_a_name_the_author_removed(django_capture_on_commit_callbacks):
    practice = PracticeFactory(draft=True, current_step=4, flags=["name"])

    with django_capture_on_commit_callbacks(execute=True):
        practice_submit(practice=practice, author=practice.author)

    assert Practice.objects.get(pk=practice.pk).flags == []


def test_the_task_keeps_the_names_it_found_for_the_moderation_page():
    practice = PracticeFactory(results="Sophie Martin anime l'atelier du mardi.")

    assert screen_practice_names.apply(args=[practice.pk]).get() == "screened"

    check = PracticeCheck.objects.get(practice=practice)
    assert check.names == ["Sophie Martin"]
    assert Practice.objects.get(pk=practice.pk).flags == ["name"]


def _sent_while_the_broker_was_down(**fields) -> Practice:
    """Submitted, its after-commit task lost: only the patterns ran."""
    practice = PracticeFactory(draft=True, current_step=4, **fields)
    practice_submit(practice=practice, author=practice.author)
    return Practice.objects.get(pk=practice.pk)


def test_the_sweep_screens_the_practices_that_no_screening_reached(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):  # the broker is down
        lost = _sent_while_the_broker_was_down(results="Sophie Martin anime l'atelier.")
    assert lost.flags == []
    edited_since = PracticeFactory(results="Jean Dupont a lancé le projet en mars.")
    PracticeCheck.objects.create(
        practice=edited_since, checked_at=timezone.now() - datetime.timedelta(hours=2)
    )
    screened = PracticeFactory(results="Paul Durand tient la permanence.")
    PracticeCheck.objects.create(practice=screened)
    draft = PracticeFactory(draft=True, results="Marie Curie viendra.")
    published = PracticeFactory(published=True, results="Marie Curie viendra.")
    just_sent = PracticeFactory(results="Marie Curie viendra.")
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Practice.objects.exclude(pk=just_sent.pk).update(updated_at=an_hour_ago)

    wanted = unscreened_practice_ids(older_than=tasks.SWEEP_AFTER, limit=10)
    assert wanted == sorted([lost.pk, edited_since.pk])

    assert tasks.screen_unscreened_practices.apply().get() == 2

    flags = dict(Practice.objects.values_list("pk", "flags"))
    assert flags[lost.pk] == ["name"]
    assert flags[edited_since.pk] == ["name"]
    # Not swept: screened already, still a draft, no longer waiting, or its task on the way.
    assert flags[screened.pk] == flags[draft.pk] == flags[published.pk] == []
    assert flags[just_sent.pk] == []
    assert PracticeCheck.objects.get(practice=lost).names == ["Sophie Martin"]
    assert unscreened_practice_ids(older_than=tasks.SWEEP_AFTER, limit=10) == []


def test_the_sweep_is_on_beats_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["analysis-screen-unscreened-practices"]
    assert entry["task"] == "analysis.screen_unscreened_practices"
    assert entry["task"] in current_app.tasks
    assert entry["schedule"] <= 15 * 60
