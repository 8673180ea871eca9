"""The database keeps one vote per voter and statement, and one paper line per session."""

import pytest
from django.db import IntegrityError, transaction

from consensus.models import PaperTally, Vote
from tests.factories.consensus import PaperTallyFactory, StatementFactory, VoteFactory
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db


def test_one_vote_per_account_and_statement():
    statement = StatementFactory(published=True)
    user = UserFactory()
    VoteFactory(statement=statement, user=user, session_key="")
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteFactory(statement=statement, user=user, session_key="")
    assert Vote.objects.count() == 1


def test_one_vote_per_session_and_statement():
    statement = StatementFactory(published=True)
    VoteFactory(statement=statement, session_key="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteFactory(statement=statement, session_key="a" * 64)
    VoteFactory(session_key="a" * 64)  # the same session on another statement
    assert Vote.objects.count() == 2


def test_a_vote_needs_a_voter():
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteFactory(user=None, session_key="")
    assert Vote.objects.count() == 0


def test_one_paper_line_per_statement_category_and_day():
    tally = PaperTallyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperTallyFactory(statement=tally.statement)
    assert PaperTally.objects.count() == 1
