"""A COPIL's hypothesis review page suggests its territory's published contributions closest
to the hypothesis, to cite (issue 18 item 7): territory isolation by role, one-click citing,
and a query count that does not grow with the contributions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assises.models import HypothesisReview
from tests.factories.assises import HypothesisFactory
from tests.factories.contributions import ContributionFactory, analyze_contributions, department

pytestmark = pytest.mark.django_db

STATEMENT = (
    "Les familles attendent trop longtemps un hébergement d'urgence dans les grandes villes."
)


@pytest.fixture
def hypothesis():
    return HypothesisFactory(statement=STATEMENT)


@pytest.fixture
def contributions():
    def make(code, title, **kwargs):
        return ContributionFactory(
            title=title,
            body="Les familles attendent un hébergement d'urgence, les places manquent en ville.",
            department=department(code),
            **kwargs,
        )

    rows = {
        "here": make("13", "Hébergement d'urgence à Marseille", published=True),
        "elsewhere": make("33", "Hébergement d'urgence à Bordeaux", published=True),
        "pending": make("13", "Hébergement d'urgence en attente"),
        "far": ContributionFactory(
            published=True,
            title="Gratification des stages",
            body="Les écoles peinent à trouver des stages gratifiés.",
            department=department("13"),
        ),
    }
    analyze_contributions()
    return rows


def url(slug, hypothesis):
    return reverse("assises:review-edit", args=[slug, hypothesis.pk])


def suggestion_links(content: bytes) -> set[str]:
    found = re.search(
        r'<section class="fr-my-4w" aria-labelledby="citation-suggestions-title">(.*?)</section>',
        content.decode(),
        re.S,
    )
    assert found, "no suggestions section"
    return set(re.findall(r'<a href="([^"]+)"', found.group(1)))


@pytest.mark.parametrize("role", ["member", "lead", "national"])
def test_only_the_territory_s_published_contributions_are_suggested(
    client, roles, hypothesis, contributions, role
):
    client.force_login(roles[role])
    response = client.get(url("grand-sud", hypothesis))
    assert response.status_code == 200
    links = suggestion_links(response.content)
    assert contributions["here"].get_absolute_url() in links
    assert contributions["elsewhere"].get_absolute_url() not in links
    assert contributions["pending"].get_absolute_url() not in links
    assert contributions["far"].get_absolute_url() not in links


@pytest.mark.parametrize("role", ["participant", "other_copil", "facilitator"])
def test_others_never_see_the_suggestions(client, roles, hypothesis, contributions, role):
    client.force_login(roles[role])
    response = client.get(url("grand-sud", hypothesis))
    assert response.status_code in (403, 404)
    assert contributions["here"].title.encode() not in response.content


def test_the_other_territory_s_copil_gets_its_own(client, roles, hypothesis, contributions):
    client.force_login(roles["other_copil"])
    response = client.get(url("sud-ouest", hypothesis))
    assert response.status_code == 200
    links = suggestion_links(response.content)
    assert links == {contributions["elsewhere"].get_absolute_url()}


def test_citer_adds_the_contribution_and_keeps_what_was_typed(
    client, roles, hypothesis, contributions
):
    client.force_login(roles["lead"])
    here = contributions["here"]
    data = {"verdict": "confirmed", "argument": "Constaté lors des permanences", "citer": here.pk}
    response = client.post(url("grand-sud", hypothesis), data)
    assert response.status_code == 200
    assert HypothesisReview.objects.count() == 0  # nothing saved by "Citer"
    page = response.content.decode()
    assert re.search(rf'<option value="{here.pk}" selected', page)
    assert "Constaté lors des permanences" in page
    assert "fr-error-text" not in page
    # Saved with the main button, the citation is kept.
    data = {"verdict": "confirmed", "argument": "Constaté", "supporting_contributions": [here.pk]}
    assert client.post(url("grand-sud", hypothesis), data).status_code == 302
    review = HypothesisReview.objects.get()
    assert list(review.supporting_contributions.all()) == [here]


def test_citer_refuses_another_territory_s_contribution(client, roles, hypothesis, contributions):
    client.force_login(roles["lead"])
    elsewhere = contributions["elsewhere"]
    data = {"verdict": "confirmed", "argument": "x", "citer": elsewhere.pk}
    response = client.post(url("grand-sud", hypothesis), data)
    assert response.status_code == 200
    assert not re.search(rf'<option value="{elsewhere.pk}"', response.content.decode())


def test_query_count_does_not_grow_with_contributions(client, roles, hypothesis, contributions):
    client.force_login(roles["lead"])
    client.get(url("grand-sud", hypothesis))  # warm-up
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("grand-sud", hypothesis)).status_code == 200
    for n in range(20):
        ContributionFactory(
            published=True,
            title=f"Hébergement d'urgence {n}",
            body="Les familles attendent un hébergement d'urgence.",
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("grand-sud", hypothesis))
    assert len(suggestion_links(response.content)) == 5
    assert len(many) == len(few)
