"""The voting page (plain form posts, no JavaScript) and the public results page."""

import pytest
from django.urls import reverse

from consensus.models import Vote
from consensus.tasks import compute_results
from egts.models import ActorCategory
from tests.factories.consensus import StatementFactory, territory, votes
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db

VOTE = reverse("consensus:vote")
CATEGORY = reverse("consensus:actor-category")


def submit(pk: int) -> str:
    return reverse("consensus:vote-submit", kwargs={"pk": pk})


def test_an_anonymous_voter_chooses_a_category_once_then_votes_one_statement_at_a_time(client):
    first, second = StatementFactory.create_batch(2, published=True)
    StatementFactory()  # pending: never shown
    assert client.get(VOTE).url == CATEGORY
    response = client.post(CATEGORY, {"actor_category": "usagers"})
    assert response.url == VOTE
    page = client.get(VOTE)
    assert page.context["statement"] == first
    assert page.context["total"] == 2
    response = client.post(submit(first.pk), {"vote": "agree"}, follow=True)
    assert response.context["statement"] == second
    assert "Votre vote est enregistré." in response.content.decode()
    client.post(submit(second.pk), {"vote": "pass"})
    done = client.get(VOTE)
    assert done.context["statement"] is None
    assert "Vous avez voté sur tous les énoncés" in done.content.decode()
    assert sorted(Vote.objects.values_list("vote", "actor_category")) == [
        ("agree", "usagers"),
        ("pass", "usagers"),
    ]


def test_voting_again_on_a_statement_replaces_the_vote(client):
    statement = StatementFactory(published=True)
    client.post(CATEGORY, {"actor_category": "elus"})
    client.post(submit(statement.pk), {"vote": "agree"})
    response = client.post(submit(statement.pk), {"vote": "disagree"}, follow=True)
    assert "Votre vote est modifié." in response.content.decode()
    assert list(Vote.objects.values_list("vote", flat=True)) == ["disagree"]


def test_a_signed_in_voter_with_a_profile_category_votes_at_once(client):
    statement = StatementFactory(published=True)
    user = UserFactory(actor_category="benevoles")
    client.force_login(user)
    assert client.get(VOTE).status_code == 200
    client.post(submit(statement.pk), {"vote": "agree"})
    vote = Vote.objects.get()
    assert (vote.user, vote.actor_category, vote.session_key) == (user, "benevoles", "")


def test_an_unknown_category_is_refused_with_its_message(client):
    response = client.post(CATEGORY, {"actor_category": "martiens"})
    assert response.status_code == 400
    assert "actor_category" in response.context["form"].errors


def test_the_honeypot_refuses_a_robot_and_records_nothing(client):
    statement = StatementFactory(published=True)
    client.post(CATEGORY, {"actor_category": "elus"})
    response = client.post(submit(statement.pk), {"vote": "agree", "website": "http://spam"})
    assert response.status_code == 400
    assert "Votre envoi n'a pas pu être accepté." in response.content.decode()
    assert Vote.objects.count() == 0


def test_an_unknown_vote_is_refused(client):
    statement = StatementFactory(published=True)
    client.post(CATEGORY, {"actor_category": "elus"})
    response = client.post(submit(statement.pk), {"vote": "peut-être"})
    assert response.status_code == 400
    assert Vote.objects.count() == 0


def test_an_unpublished_statement_cannot_be_voted_on(client):
    statement = StatementFactory()
    client.post(CATEGORY, {"actor_category": "elus"})
    assert client.post(submit(statement.pk), {"vote": "agree"}).status_code == 404
    assert Vote.objects.count() == 0


def test_the_page_shares_the_apis_rate_limit(client, throttle_rates):
    throttle_rates(statement_vote="2/minute")
    statements = StatementFactory.create_batch(3, published=True)
    client.post(CATEGORY, {"actor_category": "elus"})
    codes = [client.post(submit(s.pk), {"vote": "agree"}).status_code for s in statements]
    assert codes == [302, 302, 429]
    assert Vote.objects.count() == 2


def test_results_page_lists_consensus_and_divisive_statements_with_suppressed_counts(client):
    agreed = StatementFactory(published=True, text="Tout le monde est d'accord là-dessus.")
    for category in ["elus", "professionnels", "usagers", "benevoles"]:
        votes(agreed, category, agree=5, territory=territory())
    split = StatementFactory(published=True, text="Voilà qui divise les acteurs.")
    votes(split, "usagers", agree=5, disagree=1, territory=territory())
    votes(split, "professionnels", disagree=5, territory=territory())
    compute_results.delay(None)
    response = client.get(reverse("consensus:results"))
    assert response.status_code == 200
    assert [row["statement"] for row in response.context["consensus_rows"]] == [agreed]
    assert [row["statement"] for row in response.context["divisive_rows"]] == [split]
    html = response.content.decode()
    assert "Personnes concernées / usagers et Professionnels de terrain" in html
    assert "&lt; 5" in html  # no pass vote at all: 0 is under 5, so hidden
    # The chart of agree shares (5 of 11 expressed votes for the divisive one), in words too.
    chart = response.context["chart"]
    assert sorted((bar["label"], bar["display"], bar["width"]) for bar in chart["bars"]) == [
        ("Tout le monde est d'accord là-dessus.", "100 % d'accord", "100%"),
        ("Voilà qui divise les acteurs.", "45 % d'accord", "45%"),
    ]
    assert 'role="img"' in html and "Voilà qui divise les acteurs. : 45 % d&#x27;accord" in html


def test_results_page_shows_an_unknown_filter_in_error_and_ignores_it(client):
    response = client.get(reverse("consensus:results"), {"theme": "T9", "territory": "grand-sud"})
    assert response.status_code == 200
    assert "theme" in response.context["form"].errors
    assert response.context["computation"] is None  # Grand Sud's scope, not computed


def test_results_page_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    def voted_statement():
        statement = StatementFactory(published=True)
        votes(statement, "usagers", agree=5, territory=territory())

    voted_statement()
    compute_results.delay(None)
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("consensus:results"))
    for _ in range(10):
        voted_statement()
    compute_results.delay(None)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(reverse("consensus:results")).context["rows"]) == 11


def test_results_page_shows_agree_shares_by_category_from_five_votes(client):
    statement = StatementFactory(published=True)
    votes(statement, "usagers", agree=4, disagree=1, territory=territory())
    votes(statement, "elus", agree=3, territory=territory())
    compute_results.delay(None)
    row = client.get(reverse("consensus:results")).context["rows"][0]
    codes = [code for code, _label in ActorCategory.choices]
    shares = dict(zip(codes, row["shares"], strict=True))
    assert shares["usagers"] == 80
    assert shares["elus"] is None  # 3 votes


def test_consensus_pages_are_valid_html(client):
    from tests.factories.egts import copil_member
    from tests.fixtures.html_checker import nu_errors

    statement = StatementFactory(published=True)
    StatementFactory()
    votes(statement, "usagers", agree=5, territory=territory())
    compute_results.delay(None)
    pages = {"results": client.get(reverse("consensus:results")).content.decode()}
    pages["category"] = client.get(CATEGORY).content.decode()
    client.post(CATEGORY, {"actor_category": "elus"})
    pages["vote"] = client.get(VOTE).content.decode()
    pages["vote-error"] = client.post(submit(statement.pk), {"vote": "x"}).content.decode()
    client.force_login(copil_member("grand-sud"))
    pages["paper"] = client.get(
        reverse("consensus:paper-votes", kwargs={"slug": "grand-sud"})
    ).content.decode()
    pages["moderation"] = client.get(reverse("consensus:moderation")).content.decode()
    assert nu_errors(pages) == {name: [] for name in pages}
