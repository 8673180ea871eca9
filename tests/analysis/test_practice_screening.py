"""A practice sent to moderation gets spaCy's NAME flag from a task after commit, never in
its own request (issue 18 item 8)."""

import pytest

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
