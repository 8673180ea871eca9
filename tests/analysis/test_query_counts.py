"""List pages and API lists make as many queries for 1 row as for 30."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from analysis.models import Campaign, TopicEdit
from tests.factories.analysis import AnalysisRunFactory, QuoteFactory, TopicFactory, add_members
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import national_team_member

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _populate(run, rows: int) -> None:
    for n in range(rows):
        topic = TopicFactory(run=run)
        contribution = ContributionFactory(published=True)
        campaign = Campaign.objects.create(
            run=run, representative=contribution, text=contribution.published_body, size=1
        )
        add_members(topic, [contribution], campaign=campaign)
        QuoteFactory(topic=topic, contribution=contribution)
        TopicEdit.objects.create(run=run, topic=topic, action="noise", details={"n": n})
        AnalysisRunFactory()  # one more run in the list


@pytest.mark.parametrize(
    "kind, url",
    [
        ("api", "/api/v1/analyses/?page_size=100"),
        ("api", "/api/v1/analyses/{run}/topics/?page_size=100"),
        ("api", "/api/v1/analyses/{run}/campaigns/?page_size=100"),
        ("page", "/espace/analyses/"),
        ("page", "/espace/analyses/{run}/"),
        ("page", "/espace/analyses/{run}/campagnes/"),
        ("page", "/espace/analyses/{run}/journal/"),
    ],
)
def test_one_row_or_thirty_cost_the_same_queries(kind, url):
    user = national_team_member()
    if kind == "api":
        client = APIClient()
        client.force_authenticate(user)
    else:
        client = Client()
        client.force_login(user)
    counts = []
    for rows in (1, 30):
        run = AnalysisRunFactory()
        _populate(run, rows)
        counts.append(_count(client, url.format(run=run.pk)))
    assert counts[0] == counts[1], counts
    assert reverse("analysis:runs") == "/espace/analyses/"
