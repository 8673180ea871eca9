"""French full-text search: PostgreSQL configuration with unaccent; SQLite fallback."""

import pytest

from contributions.models import Contribution
from contributions.services import contribution_moderate
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import national_team_member

pytestmark = pytest.mark.django_db


def ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


@pytest.mark.postgres
def test_plural_finds_singular():
    housing = ContributionFactory(published=True, title="Le logement des jeunes")
    ContributionFactory(published=True, title="La formation continue")
    assert ids(Contribution.objects.published().search("logements")) == [housing.pk]


@pytest.mark.postgres
def test_accents_are_ignored():
    found = ContributionFactory(
        published=True,
        title="Une question de société",
        body="La périnatalité et l'accès aux droits sont au cœur du sujet.",
    )
    assert ids(Contribution.objects.published().search("perinatalite")) == [found.pk]
    assert ids(Contribution.objects.published().search("SOCIETE")) == [found.pk]


@pytest.mark.postgres
def test_search_vector_follows_moderation_and_redaction():
    contribution = ContributionFactory(
        title="Accompagnement", body="Le nom Durand apparaît dans ce texte de contribution."
    )
    contribution_moderate(
        contribution=contribution,
        moderator=national_team_member(),
        decision="publish",
        published_body="Ce texte de contribution parle d'hébergement.",
    )
    published = Contribution.objects.published()
    assert ids(published.search("hébergements")) == [contribution.pk]
    # The redacted name must not be findable.
    assert ids(published.search("Durand")) == []


@pytest.mark.postgres
def test_api_search_uses_french_configuration(client):
    housing = ContributionFactory(published=True, title="Logement d'urgence")
    data = client.get("/api/v1/contributions/", {"q": "logements"}).json()
    assert [item["id"] for item in data["results"]] == [housing.pk]


def test_search_works_on_every_database():
    housing = ContributionFactory(published=True, title="Le logement des jeunes")
    ContributionFactory(published=True, title="La formation continue")
    assert ids(Contribution.objects.published().search("logement")) == [housing.pk]
    assert ids(Contribution.objects.published().search("")) == ids(Contribution.objects.published())


def test_garbage_queries_never_fail(client):
    ContributionFactory(published=True)
    for q in ["!!!", "&|", "'", '"', "or or", "-", "a" * 500, "\\"]:
        assert client.get("/api/v1/contributions/", {"q": q}).status_code == 200
        assert client.get("/contributions/", {"q": q}).status_code == 200
