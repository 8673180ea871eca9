"""Browser: the COPIL dashboard with its consensus card and the territorial report with its
consensus part pass the accessibility audit."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from consensus.results import results_compute
from egts.models import Role
from tests.factories.consensus import StatementFactory, territory, votes
from tests.factories.egts import copil_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _reference_data():
    """The nine assises, reloaded if a previous browser test's flush lost them (as in
    tests/e2e/test_assises_journeys.py): the dashboard and report 404 without them."""
    from importlib import import_module

    from django.apps import apps

    from assises.models import Assise
    from egts.models import Territory

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    if Assise.objects.count() != Territory.objects.count():
        import_module("assises.migrations.0002_assises_for_territories").create_assises(apps, None)


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_dashboard_card_and_report_consensus_part_pass_axe(page, live_server, assert_accessible):
    south = territory("grand-sud")
    agreed = StatementFactory(published=True, text="Les permanences doivent rouvrir le samedi.")
    split = StatementFactory(published=True, text="Les visites seront annoncées.")
    for category in ["elus", "professionnels", "usagers", "benevoles"]:
        votes(agreed, category, agree=5, territory=south)
    votes(split, "usagers", agree=6, territory=south)
    votes(split, "professionnels", disagree=6, territory=south)
    results_compute(territory=south)
    sign_in(page, live_server, copil_member("grand-sud", role=Role.COPIL_LEAD))

    page.goto("/espace/grand-sud/")
    expect(page.get_by_role("link", name="Saisir les votes papier")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Saisir les votes papier").click()
    expect(page).to_have_url(f"{live_server.url}/consensus/espace/grand-sud/votes-papier/")

    page.goto("/espace/grand-sud/rapport/")
    expect(
        page.get_by_role("heading", name="Consensus et dissensus sur le territoire")
    ).to_be_visible()
    expect(page.get_by_role("rowheader", name="Les visites seront annoncées.")).to_be_visible()
    assert_accessible(page)


def test_the_synthesis_html_consensus_section_passes_axe(page, live_server, assert_accessible):
    from assises.models import SynthesisStatus
    from assises.services.synthesis import synthesis_request
    from tests.factories.egts import national_team_member

    agreed = StatementFactory(published=True, national=True, text="Le temps de coordination.")
    for category in ["elus", "professionnels", "usagers", "benevoles"]:
        votes(agreed, category, agree=5)
    results_compute(territory=None)
    national = national_team_member()
    synthesis = synthesis_request(requested_by=national)  # built at commit (eager Celery)
    synthesis.refresh_from_db()
    assert synthesis.status == SynthesisStatus.DONE
    sign_in(page, live_server, national)
    page.goto(f"/espace/synthese/{synthesis.pk}/html/")
    expect(page.get_by_role("heading", name="Consensus et dissensus")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Le temps de coordination.")).to_be_visible()
    assert_accessible(page)
