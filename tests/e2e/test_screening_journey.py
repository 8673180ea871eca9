"""Browser journey: a moderator sees the near-copy flag in the queue, then the published
near-copy and the marked fragments on the item's page; both pages audited by axe-core."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from analysis.services.screening import contribution_screen
from analysis.services.signatures import contributions_signatures_refresh
from egts.models import Role
from tests.factories.analysis import CAMPAIGN_TEXT
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import copil_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Reference data and the assises, reloaded if a transactional test flushed them."""
    from importlib import import_module

    from django.apps import apps

    from assises.models import Assise
    from egts.models import Territory

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    if Assise.objects.count() != Territory.objects.count():
        import_module("assises.migrations.0002_assises_for_territories").create_assises(apps, None)


def test_moderator_sees_a_near_copy_and_the_flagged_fragments(page, live_server, assert_accessible):
    original = ContributionFactory(
        published=True, title="La permanence sociale", body=CAMPAIGN_TEXT
    )
    contributions_signatures_refresh([original.pk])
    copy = ContributionFactory(
        title="Rouvrir la permanence",
        body=CAMPAIGN_TEXT + " Écrivez à lea@exemple.fr.",
        flags=["email"],
    )
    contribution_screen(contribution_id=copy.pk)
    client = Client()
    client.force_login(copil_member("grand-sud", role=Role.COPIL_LEAD))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/espace/grand-sud/moderation/")
    expect(page.get_by_text("Quasi-copie d'une contribution publiée", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="La permanence sociale")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Rouvrir la permanence").click()
    expect(
        page.get_by_role("heading", name="Quasi-copie d'une contribution publiée")
    ).to_be_visible()
    expect(page.locator("mark[data-kind=email]")).to_have_text(
        "lea@exemple.fr (Adresse électronique)"
    )
    expect(page.get_by_text("lea@exemple.fr : Adresse électronique")).to_be_visible()
    assert_accessible(page)
