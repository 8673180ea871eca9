"""Similar published contributions (issue 18 item 5): the API and the look-up itself."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from contributions.models import Contribution
from contributions.similar import CANDIDATES, choose_query, similar_contributions
from tests.factories.contributions import ContributionFactory, analyze_contributions, department

pytestmark = pytest.mark.django_db

URL = "/api/v1/contributions/similar/"
TEXT = "Les familles attendent des mois un logement social, les hébergements d'urgence sont pleins."


@pytest.fixture
def housing():
    rows = [
        ContributionFactory(
            published=True,
            title="Logement social introuvable",
            body="Des familles attendent un logement social depuis des années dans notre ville.",
        ),
        ContributionFactory(
            published=True,
            title="Hébergement d'urgence saturé",
            body="Le 115 ne répond plus, les hébergements d'urgence sont pleins chaque soir.",
        ),
        ContributionFactory(
            published=True,
            title="Formation des jeunes professionnels",
            body="Les stages manquent et la gratification décourage les établissements.",
        ),
    ]
    analyze_contributions()
    return rows


def test_the_api_answers_the_closest_published_contributions(housing):
    pending = ContributionFactory(
        title="Logement en attente", body="Un logement social pour les familles en attente."
    )
    response = APIClient().get(URL, {"text": TEXT})
    assert response.status_code == 200
    results = response.json()["results"]
    found = [r["id"] for r in results]
    assert set(found[:2]) == {housing[0].pk, housing[1].pk}
    assert pending.pk not in found
    assert housing[2].pk not in found
    assert set(results[0]) == {"id", "title", "score"}
    assert results[0]["score"] >= results[-1]["score"] > 0


def test_at_most_five_results():
    for n in range(8):
        ContributionFactory(
            published=True,
            title=f"Logement numéro {n}",
            body="Des familles attendent un logement social, l'hébergement d'urgence est plein.",
        )
    analyze_contributions()
    response = APIClient().get(URL, {"text": TEXT})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 5


@pytest.mark.parametrize(
    "params",
    [{}, {"text": ""}, {"text": "   "}, {"text": "court"}, {"text": "x" * 5001}],
)
def test_bad_text_is_a_400_naming_the_field(params):
    response = APIClient().get(URL, params)
    assert response.status_code == 400
    assert "text" in response.json()


def test_control_characters_are_refused():
    response = APIClient().get(URL, {"text": "Un logement social\x00 pour tous"})
    assert response.status_code == 400
    assert "text" in response.json()


def test_text_without_any_word_finds_nothing(housing):
    response = APIClient().get(URL, {"text": "!!!!! ????? ..... 12345"})
    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_the_lookup_is_rate_limited(settings, housing):
    cache.clear()
    client = APIClient()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["similar_lookup"] == "60/minute"
    for _ in range(60):
        assert client.get(URL, {"text": TEXT}).status_code == 200
    response = client.get(URL, {"text": TEXT})
    assert response.status_code == 429
    assert "Retry-After" in response


def test_constant_query_count(housing):
    with CaptureQueriesContext(connection) as few:
        similar_contributions(TEXT)
    for n in range(30):
        ContributionFactory(
            published=True, title=f"Logement {n}", body="Un logement social pour les familles."
        )
    with CaptureQueriesContext(connection) as many:
        similar_contributions(TEXT)
    assert len(many) == len(few) <= 2


def test_territory_and_exclusion(housing):
    other = ContributionFactory(
        published=True,
        title="Logement social en Bretagne",
        body="Des familles attendent un logement social.",
        department=department("29"),
    )
    analyze_contributions()
    everywhere = {s.id for s in similar_contributions(TEXT)}
    assert other.pk in everywhere
    local = {s.id for s in similar_contributions(TEXT, territory_id=housing[0].territory_id)}
    assert other.pk not in local and housing[0].pk in local
    without = {s.id for s in similar_contributions(TEXT, exclude_id=housing[0].pk)}
    assert housing[0].pk not in without


def test_common_words_are_anded_until_the_candidates_fit():
    common = [("logement", 0.5), ("famill", 0.4), ("social", 0.3), ("attendent", 0.2)]
    query = choose_query(common, 1_000_000)
    assert " & " in query.filter and " | " not in query.filter
    assert len(query.terms) == 4
    assert query.weights == sorted(query.weights, reverse=True)  # rarest weighs most
    rare = [("logement", 0.5), ("zorglub", 0.0), ("expulsion", 0.0001)]
    query = choose_query(rare, 1_000_000, rarest_known=0.00005)
    assert query.filter == "'zorglub' | 'expulsion'"
    assert CANDIDATES / 1_000_000 > 0.0001 + 0.00005


@pytest.mark.postgres
def test_rarest_words_drive_the_query_with_statistics():
    """With ANALYZE's statistics, a text of common words plus a rare one finds the rare."""
    for n in range(60):
        ContributionFactory(
            published=True, title=f"Note {n}", body="Le logement et les familles du quartier."
        )
    rare = ContributionFactory(
        published=True, title="Expulsions locatives", body="Les expulsions locatives augmentent."
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contributions_contribution")
    found = similar_contributions("Le logement des familles et les expulsions locatives")
    assert found[0].id == rare.pk
    assert Contribution.objects.published().count() == 61
