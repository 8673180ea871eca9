"""The Content-Security-Policy in a real browser: the main pages load with no violation.

Chromium reports each blocked script, style or image twice: as a console error
("Refused to … because it violates the following Content Security Policy directive")
and as a ``securitypolicyviolation`` event, which an init script (not subject to the
page's CSP) records. Both must stay empty, and DSFR's JavaScript must have started.
"""

from importlib import import_module

import pytest
from django.test import Client

from egts.models import Role
from tests.factories.assises import MeetingFactory, ProposalFactory, WorkingGroupFactory
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import copil_member
from tests.factories.practices import PracticeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture(autouse=True)
def _reference_data():
    from django.apps import apps

    from assises.models import Assise
    from egts.models import Territory

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    if Assise.objects.count() != Territory.objects.count():
        import_module("assises.migrations.0002_assises_for_territories").create_assises(apps, None)


@pytest.fixture
def watched(page):
    """The page, with every CSP report of the console and of the DOM event collected."""
    console: list[str] = []

    def keep_csp_reports(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(message.text)

    page.on("console", keep_csp_reports)
    page.add_init_script(RECORD_VIOLATIONS)
    page.csp_console = console
    return page


def assert_no_violation(page, path: str, *, dsfr: bool = True) -> None:
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    # Playwright gives header names in lower case.
    assert response is not None and "content-security-policy" in response.headers, path
    events = page.evaluate("window.__cspViolations")
    assert (page.csp_console, events) == ([], []), path
    if dsfr:
        # DSFR marks the page once its module script ran: the nonce'd script was allowed.
        assert page.locator("html").get_attribute("data-fr-js") == "true", path


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/la-demarche/",
        "/territoires/",
        "/territoires/grand-sud/",
        "/contributions/",
        "/questionnaires/",
        "/pratiques/",
        "/compte/login/",
        "/compte/signup/",
        "/page-inexistante/",
    ],
)
def test_public_page_loads_without_csp_violation(watched, path):
    assert_no_violation(watched, path)


def test_public_content_pages_load_without_csp_violation(watched):
    contribution = ContributionFactory(published=True)
    practice = PracticeFactory(published=True)
    for path in (f"/contributions/{contribution.pk}/", f"/pratiques/{practice.pk}/"):
        assert_no_violation(watched, path)


def test_back_office_and_forms_load_without_csp_violation(watched, live_server):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    group = WorkingGroupFactory(facilitator=lead)
    meeting = MeetingFactory(group=group)
    proposal = ProposalFactory()
    _sign_in(watched, live_server, lead)
    for path in (
        "/espace/grand-sud/",
        "/espace/grand-sud/moderation/",
        f"/espace/groupes/{group.pk}/",
        f"/espace/reunions/{meeting.pk}/",
        f"/espace/reunions/{meeting.pk}/modifier/",
        f"/espace/propositions/{proposal.pk}/",
        "/espace/grand-sud/propositions/",
        "/contributions/contribuer/",
        "/pratiques/proposer/",
        "/compte/profil/",
    ):
        assert_no_violation(watched, path)


def test_swagger_ui_starts_under_the_csp(watched):
    assert_no_violation(watched, "/api/v1/docs/", dsfr=False)
    # Swagger UI ran its nonce'd start-up script and rendered the schema it fetched.
    watched.locator(".swagger-ui .info .title").wait_for()
    title = watched.locator(".info .title").inner_text()
    assert "API des États généraux du travail social" in title


def test_the_watch_catches_an_injected_inline_script(watched):
    """The check above can fail: an inline script added to the page is blocked and reported."""
    watched.goto("/la-demarche/")
    watched.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__injected = true;";
            document.body.appendChild(script);
        }"""
    )
    watched.wait_for_function("window.__cspViolations.length > 0")
    assert watched.evaluate("window.__injected === undefined")
    assert watched.evaluate("window.__cspViolations")[0].startswith("script-src-elem inline")
    assert any("Content Security Policy" in line for line in watched.csp_console)


def test_technical_admin_loads_without_csp_violation(watched, live_server):
    from tests.factories.egts import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    assert_no_violation(watched, "/admin-technique/login/", dsfr=False)
    _sign_in(watched, live_server, admin)
    for path in (
        "/admin-technique/",
        "/admin-technique/egts/user/",
        f"/admin-technique/egts/user/{admin.pk}/change/",
        "/admin-technique/egts/territory/",
    ):
        assert_no_violation(watched, path, dsfr=False)
