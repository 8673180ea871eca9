"""The participant's own space: section items, export, erasure; and the demo seed."""

import json

import pytest
from django.urls import reverse

from contributions import demo
from contributions.models import (
    Contribution,
    QuestionKind,
    Questionnaire,
    Response,
)
from egts.models import SubmissionGuard
from egts.moderation import ModerationStatus
from egts.participant import ERASURES, EXPORTS, SECTIONS
from tests.factories.contributions import ContributionFactory, ResponseFactory
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db


def test_section_lists_every_status_with_edit_link_and_reason():
    user = UserFactory()
    pending = ContributionFactory(author=user, title="En attente")
    rejected = ContributionFactory(
        author=user, rejected=True, title="Refusée", moderation_message="Hors du champ."
    )
    published = ContributionFactory(author=user, published=True, title="Publiée")
    ContributionFactory(title="D'un autre")
    items = {item.title: item for item in SECTIONS["contributions"].items(user)}
    assert set(items) == {"En attente", "Refusée", "Publiée"}
    assert items["En attente"].edit_url == reverse("contributions:edit", kwargs={"pk": pending.pk})
    assert items["En attente"].status == "pending"
    assert items["Refusée"].edit_url == ""
    assert items["Refusée"].reason == "Hors sujet"
    assert items["Refusée"].message == "Hors du champ."
    assert items["Publiée"].url == published.get_absolute_url()
    assert items["Publiée"].reason == ""
    assert rejected.pk != published.pk


@pytest.mark.parametrize("rows", [1, 50])
def test_section_query_count(rows, django_assert_max_num_queries):
    user = UserFactory()
    ContributionFactory.create_batch(rows, author=user)
    with django_assert_max_num_queries(1):
        assert len(SECTIONS["contributions"].items(user)) == rows


def test_export_holds_contributions_and_responses_as_json():
    user = UserFactory()
    ContributionFactory(author=user, title="Mon texte")
    ResponseFactory(user=user)
    exported = {
        "contributions": EXPORTS["contributions"](user),
        "responses": EXPORTS["questionnaire_responses"](user),
    }
    json.dumps(exported)  # must be JSON-ready
    assert [c["title"] for c in exported["contributions"]] == ["Mon texte"]
    assert exported["contributions"][0]["status"] == "pending"
    assert len(exported["responses"]) == 1


def test_erasure_detaches_published_and_deletes_the_rest():
    user = UserFactory()
    published = ContributionFactory(author=user, published=True)
    ContributionFactory(author=user)
    ContributionFactory(author=user, rejected=True)
    other = ContributionFactory()
    response = ResponseFactory(user=user)
    SubmissionGuard.objects.create(
        sender=f"user:{user.pk}", author=user, fingerprint="f" * 64, sent_at=published.submitted_at
    )
    ERASURES["contributions"](user)
    assert not SubmissionGuard.objects.exists()  # not even the trace of what was sent
    assert list(Contribution.objects.order_by("pk")) == [published, other]
    published.refresh_from_db()
    assert published.author is None
    assert published.status == ModerationStatus.PUBLISHED
    response.refresh_from_db()
    assert response.user is None


def test_demo_seed_is_idempotent_and_complete():
    logs = []
    demo.seed(log=logs.append)
    demo.seed(log=logs.append)
    questionnaire = Questionnaire.objects.get(slug=demo.QUESTIONNAIRE_SLUG)
    assert questionnaire.is_open()
    questions = list(questionnaire.questions.all())
    assert len(questions) >= 12
    assert {q.kind for q in questions} == set(QuestionKind.values)
    assert any(q.condition_choice_id for q in questions)
    assert Contribution.objects.published().count() == 18
    assert Contribution.objects.pending().count() == 9
    assert Response.objects.count() == 0
    assert len(logs) == 4
