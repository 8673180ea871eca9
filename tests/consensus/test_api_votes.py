"""POST /api/v1/statements/{id}/votes/: one vote per account or session, replaced on change."""

import pytest
from rest_framework.test import APIClient

from consensus.models import Vote
from tests.factories.consensus import StatementFactory
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db


def url(statement) -> str:
    return f"/api/v1/statements/{statement.pk}/votes/"


def test_first_vote_is_201_and_a_changed_vote_200_replacing_it_for_an_account():
    statement = StatementFactory(published=True)
    client = APIClient()
    user = UserFactory(actor_category="elus")
    client.force_authenticate(user)
    first = client.post(url(statement), {"vote": "agree"}, format="json")
    assert first.status_code == 201
    assert first.json() == {"statement": statement.pk, "vote": "agree", "actor_category": "elus"}
    second = client.post(
        url(statement), {"vote": "disagree", "actor_category": "benevoles"}, format="json"
    )
    assert second.status_code == 200
    vote = Vote.objects.get()
    assert (vote.user, vote.vote, vote.actor_category) == (user, "disagree", "benevoles")


def test_anonymous_votes_are_kept_per_browser_session():
    statement = StatementFactory(published=True)
    browser = APIClient()
    body = {"vote": "pass", "actor_category": "usagers"}
    assert browser.post(url(statement), body, format="json").status_code == 201
    assert browser.post(url(statement), {**body, "vote": "agree"}, format="json").status_code == 200
    other_browser = APIClient()
    assert other_browser.post(url(statement), body, format="json").status_code == 201
    assert sorted(Vote.objects.values_list("vote", flat=True)) == ["agree", "pass"]
    assert all(len(key) == 64 for key in Vote.objects.values_list("session_key", flat=True))
    assert not Vote.objects.filter(user__isnull=False).exists()


def test_a_vote_counts_for_the_voters_department_territory_else_the_statements():
    statement = StatementFactory(published=True, national=True)
    from tests.factories.contributions import department

    client = APIClient()
    client.force_authenticate(UserFactory(department=department("59")))  # Nord: Grand Nord
    client.post(url(statement), {"vote": "agree"}, format="json")
    APIClient().post(url(statement), {"vote": "agree", "actor_category": "elus"}, format="json")
    territories = set(Vote.objects.values_list("territory__slug", flat=True))
    assert territories == {"grand-nord", None}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"vote": "maybe", "actor_category": "elus"}, "vote"),
        ({"vote": "agree", "actor_category": "extraterrestres"}, "actor_category"),
        ({"vote": "agree"}, "actor_category"),  # anonymous: the category is needed
        ({"actor_category": "elus"}, "vote"),
        ({"vote": ["agree"], "actor_category": "elus"}, "vote"),
    ],
)
def test_bad_votes_answer_400_and_record_nothing(body, field):
    statement = StatementFactory(published=True)
    response = APIClient().post(url(statement), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Vote.objects.count() == 0


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_voting_on_an_unpublished_statement_is_404(status):
    statement = StatementFactory(status=status)
    response = APIClient().post(
        url(statement), {"vote": "agree", "actor_category": "elus"}, format="json"
    )
    assert response.status_code == 404
    assert Vote.objects.count() == 0


@pytest.mark.parametrize("pk", ["0", "abc", "9" * 25])
def test_voting_on_an_unknown_statement_is_404(pk):
    response = APIClient().post(f"/api/v1/statements/{pk}/votes/", {}, format="json")
    assert response.status_code == 404


def test_votes_are_rate_limited_per_client_address(settings, throttle_rates):
    throttle_rates(statement_vote="3/minute")
    statements = StatementFactory.create_batch(4, published=True)
    body = {"vote": "agree", "actor_category": "elus"}
    codes = [APIClient().post(url(s), body, format="json").status_code for s in statements]
    assert codes == [201, 201, 201, 429]
    assert Vote.objects.count() == 3
    settings.EGTS_RATE_LIMITS = False
    assert APIClient().post(url(statements[3]), body, format="json").status_code == 201
