"""The consensus card of a territory's COPIL workspace dashboard: the territory's COPIL
sees it and its links open; nobody else sees it (role matrix)."""

import pytest
from django.urls import reverse

from tests.factories.assises import people

pytestmark = pytest.mark.django_db

PAPER_VOTES = reverse("consensus:paper-votes", args=["grand-sud"])
MODERATION = reverse("consensus:moderation")


@pytest.fixture
def roles(db):
    return people()


@pytest.mark.parametrize(
    "role, sees",
    [
        ("anonymous", False),
        ("participant", False),
        ("other_copil", False),
        ("facilitator", False),
        ("member", True),
        ("lead", True),
        ("national", False),
    ],
)
def test_only_the_territory_s_copil_sees_the_consensus_card(client, roles, role, sees):
    if roles[role] is not None:
        client.force_login(roles[role])
    response = client.get(reverse("assises:dashboard", args=["grand-sud"]))
    page = response.content.decode()
    assert ("Consensus : les énoncés du territoire" in page) is sees
    assert (f'href="{PAPER_VOTES}"' in page) is sees
    assert (f'href="{MODERATION}"' in page) is sees
    if sees:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ["member", "lead"])
def test_the_card_s_links_open_for_the_territory_s_copil(client, roles, role):
    client.force_login(roles[role])
    assert client.get(PAPER_VOTES).status_code == 200
    assert client.get(MODERATION).status_code == 200


def test_the_card_counts_the_territory_s_statements_waiting_for_a_decision(client, roles):
    from egts.models import Territory
    from tests.factories.consensus import StatementFactory

    StatementFactory.create_batch(2)
    StatementFactory(published=True)
    StatementFactory(territory=Territory.objects.get(slug="sud-ouest"))
    client.force_login(roles["member"])
    page = client.get(reverse("assises:dashboard", args=["grand-sud"])).content.decode()
    assert "2 énoncés proposés attendent votre décision." in page
