"""A participant's statements and votes in their own space, export and erasure."""

import pytest

from consensus.models import Statement, Vote
from consensus.participant import erase, export_statements, export_votes, section_items
from tests.factories.consensus import StatementFactory, VoteFactory
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db


def test_export_lists_the_users_statements_and_votes_only():
    user = UserFactory()
    mine = StatementFactory(author=user)
    StatementFactory()
    VoteFactory(statement=StatementFactory(published=True), user=user, session_key="")
    VoteFactory()
    assert [item["id"] for item in export_statements(user)] == [mine.pk]
    assert [item["vote"] for item in export_votes(user)] == ["agree"]
    assert [item.title for item in section_items(user)] == [mine.text]


def test_erasure_keeps_published_statements_anonymised_and_votes_as_one_anonymous_voter():
    user = UserFactory()
    published = StatementFactory(author=user, published=True)
    StatementFactory(author=user)  # pending: deleted
    for statement in StatementFactory.create_batch(2, published=True):
        VoteFactory(statement=statement, user=user, session_key="")
    erase(user)
    assert list(Statement.objects.filter(author=user)) == []
    published.refresh_from_db()
    assert published.author is None
    keys = set(
        Vote.objects.filter(statement__author__isnull=False).values_list("session_key", flat=True)
    )
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert not Vote.objects.filter(user=user).exists()
    assert Vote.objects.count() == 2
