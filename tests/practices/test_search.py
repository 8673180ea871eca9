"""French full-text search of practices (PostgreSQL: french stemming, accents ignored)."""

import pytest

from practices.models import Practice
from tests.factories.practices import PracticeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _titles(q: str) -> list[str]:
    return sorted(Practice.objects.published().search(q).values_list("title", flat=True))


def test_plural_finds_singular_and_accents_are_ignored():
    PracticeFactory(published=True, title="Accès au logement des jeunes")
    PracticeFactory(published=True, title="Jardin éducatif")

    assert _titles("logements") == ["Accès au logement des jeunes"]
    assert _titles("LOGEMENT") == ["Accès au logement des jeunes"]
    assert _titles("educatifs") == ["Jardin éducatif"]


def test_search_reads_the_sections_too():
    PracticeFactory(published=True, title="Sans indice", implementation="Une médiation animale.")

    assert _titles("mediation") == ["Sans indice"]


def test_unpublished_practices_are_never_found():
    PracticeFactory(title="Logement en attente")

    assert _titles("logement") == []


def test_odd_queries_do_not_fail():
    PracticeFactory(published=True, title="Logement")

    assert _titles('"logement') == ["Logement"]
    assert _titles("-- ; DROP TABLE") == []
