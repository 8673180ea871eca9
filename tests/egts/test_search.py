"""The search shared by contributions, practices and documents, off PostgreSQL (make run)."""

import pytest

from contributions.models import Contribution
from documents.models import Document
from egts import search
from practices.models import Practice
from tests.factories.contributions import ContributionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_postgresql(monkeypatch):
    monkeypatch.setattr(search.connection, "vendor", "sqlite")


def test_every_word_must_appear_in_one_of_the_fields(without_postgresql):
    both = ContributionFactory(title="Coordination locale", published_body="Du temps partagé.")
    ContributionFactory(title="Coordination", published_body="Rien d'autre.")
    found = Contribution.objects.search("coordination TEMPS")
    assert list(found) == [both]
    assert Contribution.objects.search("  ").count() == 2


def test_each_model_names_the_fields_it_searches():
    assert Contribution.objects.all().search_fields == ("title", "published_body")
    assert "organisation" in Practice.objects.all().search_fields
    assert "author" in Document.objects.all().search_fields
