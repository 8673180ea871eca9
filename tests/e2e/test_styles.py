"""The DSFR components the pages show are really styled (static/css/dsfr.css, a subset of
the DSFR, issue 23 item 4): on public and back-office pages, each component's computed
style differs from what the browser gives the same element in a page without CSS."""

import pytest

from egts.models import Role
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import PASSWORD, copil_member
from tests.factories.practices import PracticeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMPONENTS = {
    "header": ".fr-header",
    "button": ".fr-btn",
    "form input": ".fr-input",
    "select": ".fr-select",
    "alert": ".fr-alert",
    "table": ".fr-table th",
    "breadcrumb": ".fr-breadcrumb",
    "pagination": ".fr-pagination__link",
    "tag": ".fr-tag",
    "badge": ".fr-badge",
}
# Properties a stylesheet sets on the element itself, never inherited from <body>: the
# font alone would tell the page has some CSS, not that the component has its own.
UNSTYLED = """(selectors) => {
  const properties = ["display", "position", "background-color", "background-image",
    "border-top-width", "border-bottom-width", "border-bottom-style", "border-radius",
    "box-shadow", "filter", "padding-top", "padding-left", "margin-top", "margin-bottom",
    "min-height", "list-style-type"];
  const frame = document.createElement("iframe");
  frame.srcdoc = "<!DOCTYPE html><body></body>";
  document.body.append(frame);
  return new Promise((resolve) => frame.addEventListener("load", () => {
    const found = {};
    for (const [name, selector] of Object.entries(selectors)) {
      const element = document.querySelector(selector);
      if (!element) continue;
      const bare = frame.contentDocument.createElement(element.tagName);
      if (element.getAttribute("type")) bare.setAttribute("type", element.getAttribute("type"));
      frame.contentDocument.body.append(bare);
      const styled = getComputedStyle(element);
      const plain = frame.contentWindow.getComputedStyle(bare);
      found[name] = properties.filter(
        (p) => styled.getPropertyValue(p) !== plain.getPropertyValue(p));
    }
    frame.remove();
    resolve(found);
  }));
}"""


@pytest.fixture(autouse=True)
def _reference_data():
    from importlib import import_module

    from django.apps import apps

    from assises.models import Assise
    from egts.models import Territory

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    if Assise.objects.count() != Territory.objects.count():
        import_module("assises.migrations.0002_assises_for_territories").create_assises(apps, None)


def test_components_are_styled_on_public_and_back_office_pages(page, login, assert_accessible):
    from egts.models import Territory

    territory = Territory.objects.get(slug="grand-sud")
    published = ContributionFactory.create_batch(45, published=True, territory=territory)
    ContributionFactory.create_batch(3, territory=territory)  # pending, for moderation
    practice = PracticeFactory(published=True, title="Un guichet commun du social")
    copil_member("grand-sud", role=Role.COPIL_LEAD, email="pilote@exemple.fr")

    seen = {}

    def audit(path=None):
        if path:
            page.goto(path)
        page.wait_for_load_state("networkidle")
        for name, differing in page.evaluate(UNSTYLED, COMPONENTS).items():
            assert differing, f"{name} has the browser's default style on {page.url}"
            seen.setdefault(name, page.url)
        assert_accessible(page)

    audit("/")
    # A middle page: on the first, the disabled "previous" link fails axe's contrast rule
    # (django-dsfr's pagination, with the whole DSFR as well: reported, not this test's).
    audit("/contributions/?page=2")
    audit(f"/pratiques/{practice.pk}/")
    audit(published[0].get_absolute_url())  # its themes are tags
    login("pilote@exemple.fr", "pas-le-bon")  # a refused sign-in shows an alert
    audit()
    login("pilote@exemple.fr", PASSWORD)
    audit("/espace/grand-sud/moderation/")
    print("\ncomponents styled, first seen on:", seen)
    assert sorted(seen) == sorted(COMPONENTS), set(COMPONENTS) - set(seen)
