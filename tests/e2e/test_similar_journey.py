"""Browser journey (issue 18 item 5): while one writes, the contribution form lists similar
published contributions in its aria-live panel, fed by the API, under the page's CSP."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_contributions_journeys import reference_data, sign_in  # noqa: F401
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_the_panel_lists_similar_contributions_while_one_types(
    page, live_server, assert_accessible
):
    close = ContributionFactory(
        published=True,
        title="Hébergement d'urgence saturé pour les familles",
        body="Le 115 ne répond plus, les places d'hébergement d'urgence manquent aux familles.",
    )
    ContributionFactory(
        published=True,
        title="Stages et gratification",
        body="Les écoles de travail social peinent à trouver des stages gratifiés.",
    )
    hidden = ContributionFactory(
        title="Hébergement d'urgence en attente",
        body="Les places d'hébergement d'urgence manquent aux familles.",
    )
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, UserFactory())
    page.goto("/contributions/contribuer/")
    panel = page.locator("#similar-live")
    expect(panel).to_have_attribute("aria-live", "polite")
    expect(panel.get_by_role("link")).to_have_count(0)

    page.get_by_label("Votre texte").press_sequentially(
        "Les familles attendent des places d'hébergement d'urgence", delay=5
    )
    link = panel.get_by_role("link", name=close.title)
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", close.get_absolute_url())
    expect(panel.get_by_role("link", name=hidden.title)).to_have_count(0)
    expect(panel.get_by_role("link", name="Stages et gratification")).to_have_count(0)
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert_accessible(page)
