"""List pages and API lists make the same number of queries for 1 row and for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories.assises import (
    HypothesisFactory,
    HypothesisReviewFactory,
    MeetingFactory,
    ProposalFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def _group(n):
    group = WorkingGroupFactory()
    MeetingFactory(group=group)


def _proposal(n):
    ProposalFactory(validated=True, rank=n + 1, working_group=WorkingGroupFactory())
    ProposalFactory()


def _review(n):
    HypothesisReviewFactory(hypothesis=HypothesisFactory())


CASES = [
    ("/espace/grand-sud/groupes/", _group),
    ("/espace/grand-sud/propositions/", _proposal),
    ("/espace/grand-sud/hypotheses/", _review),
    ("/espace/hypotheses/matrice/", _review),
    ("/espace/grand-sud/rapport/", _proposal),
    ("/espace/grand-sud/", _proposal),
    ("/espace/", _proposal),
    ("/api/v1/assises/grand-sud/working-groups/", _group),
    ("/api/v1/assises/grand-sud/proposals/", _proposal),
    ("/api/v1/assises/grand-sud/hypothesis-reviews/", _review),
    ("/api/v1/hypotheses/", _review),
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("url", "make"), CASES)
def test_list_queries_do_not_grow_with_rows(roles, url, make):
    client = APIClient()
    client.force_login(roles["national"])
    make(0)
    client.get(url)  # warm-up: session, content types, roles cache
    one = _count(client, url)
    for n in range(1, 50):
        make(n)
    assert _count(client, url) == one
