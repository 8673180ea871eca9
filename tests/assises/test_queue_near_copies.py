"""The moderation queue flags a pending contribution that nearly copies a published one
(issue 18 item 4): a badge in words, links to the published near-copies, the campaign
size; the same number of queries for 1 row as for 30; territory isolation holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis.models import Campaign
from analysis.services.screening import contribution_screen
from analysis.services.signatures import contributions_signatures_refresh
from tests.factories.analysis import CAMPAIGN_TEXT, AnalysisRunFactory, TopicFactory, add_members
from tests.factories.contributions import ContributionFactory, department

pytestmark = pytest.mark.django_db

QUEUE = "/espace/grand-sud/moderation/"
NEAR_COPY = CAMPAIGN_TEXT.replace("immédiate", "rapide")
BADGE = "Quasi-copie d'une contribution publiée"


def _published(**kwargs):
    contribution = ContributionFactory(published=True, body=CAMPAIGN_TEXT, **kwargs)
    contributions_signatures_refresh([contribution.pk])
    return contribution


def _screened(**kwargs):
    contribution = ContributionFactory(**kwargs)
    contribution_screen(contribution_id=contribution.pk)
    return contribution


def test_queue_flags_a_near_copy_with_its_published_original_and_campaign_size(client, roles):
    original = _published(title="La permanence sociale", department=department("33"))
    campaign = Campaign.objects.create(
        run=AnalysisRunFactory(national=True), representative=original, text="", size=12
    )
    add_members(TopicFactory(run=campaign.run), [original], campaign=campaign)
    _screened(title="Ma copie", body=NEAR_COPY)
    _screened(title="Sans rapport", body="Les éducateurs manquent de temps pour les familles.")
    client.force_login(roles["member"])

    response = client.get(QUEUE)

    rows = {row["title"]: row for row in response.context["rows"]}
    assert [c.id for c in rows["Ma copie"]["near_copies"]] == [original.pk]
    assert rows["Sans rapport"]["near_copies"] == []
    html = response.content.decode()
    assert html.count(BADGE) == 1
    assert f'<a href="/contributions/{original.pk}/">La permanence sociale</a>' in html
    assert "campagne de 12 textes" in html


def test_queue_never_names_a_pending_item_of_another_territory(client, roles):
    _screened(title="En attente ailleurs", body=CAMPAIGN_TEXT, department=department("33"))
    _screened(title="Ma copie", body=NEAR_COPY)
    client.force_login(roles["member"])

    response = client.get(QUEUE)

    assert [row["title"] for row in response.context["rows"]] == ["Ma copie"]
    assert response.context["rows"][0]["near_copies"] == []
    html = response.content.decode()
    assert "En attente ailleurs" not in html
    assert BADGE not in html


@pytest.mark.parametrize(("role", "sees"), [("other_copil", False), ("lead", True)])
def test_the_flag_shows_only_in_the_queue_of_the_items_territory(client, roles, role, sees):
    _published(department=department("33"))
    _screened(title="Ma copie", body=NEAR_COPY)  # Grand Sud
    client.force_login(roles[role])

    response = client.get(QUEUE)

    if not sees:
        assert response.status_code == 404
        return
    assert [row["title"] for row in response.context["rows"]] == ["Ma copie"]
    assert BADGE in response.content.decode()


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(queries)


def test_queue_queries_do_not_grow_with_flagged_rows(client, roles):
    original = _published()
    campaign = Campaign.objects.create(
        run=AnalysisRunFactory(), representative=original, text="", size=2
    )
    add_members(TopicFactory(run=campaign.run), [original], campaign=campaign)
    _screened(body=NEAR_COPY)
    client.force_login(roles["national"])
    client.get(QUEUE)  # warm-up: session, roles
    one = _count(client)
    for _n in range(29):
        _screened(body=NEAR_COPY)

    assert _count(client) == one
    response = client.get(QUEUE)
    assert response.content.decode().count(BADGE) == 30
