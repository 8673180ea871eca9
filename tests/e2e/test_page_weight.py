"""The home page's weight in a browser (issue 23, "lighter pages"): under 150 KB transferred,
fonts included, and under 300 KB of CSS to parse.

The live server sends static files as they are; a deployment sends them compressed
(WhiteNoise's Brotli copies, made by collectstatic). Each response is counted at the size
it travels: its encoded size when the server compressed it, else its body gzipped, which
is larger than the Brotli copy production serves. Fonts (woff2) are already compressed.
"""

import gzip
from importlib import import_module

import pytest

from tests.factories.contributions import ContributionFactory
from tests.factories.practices import PracticeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TRANSFER_LIMIT = 150 * 1024
CSS_LIMIT = 300 * 1024
# Sizes the browser cannot see through the Resource Timing API (cross-origin or cached)
# are never expected here: the page loads same-origin files into a fresh context.
RESOURCES = """() => performance.getEntriesByType("resource").map((entry) => ({
  url: entry.name, type: entry.initiatorType, encoded: entry.encodedBodySize,
  decoded: entry.decodedBodySize,
}))"""


@pytest.fixture(autouse=True)
def _content():
    from django.apps import apps

    from assises.models import Assise
    from egts.models import Territory

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    if Assise.objects.count() != Territory.objects.count():
        import_module("assises.migrations.0002_assises_for_territories").create_assises(apps, None)
    for index in range(6):
        ContributionFactory(title=f"Former ensemble les métiers du social, numéro {index}")
    PracticeFactory(published=True, title="Coordination gérontologique d'un bassin de vie")


def weigh(page, path: str) -> dict:
    """Bytes on the wire per kind of file for one page load in a fresh context."""
    bodies = {}

    def keep(response):
        if response.request.resource_type != "document" and response.status == 200:
            bodies[response.url] = (response.headers, response.body())

    page.on("response", keep)
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    html = response.body()
    figures = {"html": len(gzip.compress(html)), "css": 0, "font": 0, "script": 0, "other": 0}
    css_parsed = 0
    for url, (headers, body) in bodies.items():
        sent = len(body) if headers.get("content-encoding") else len(gzip.compress(body))
        if url.endswith((".woff2", ".woff")):
            kind, sent = "font", len(body)
        elif url.endswith(".css"):
            kind, css_parsed = "css", css_parsed + len(body)
        elif url.endswith(".js"):
            kind = "script"
        else:
            kind = "other"
        figures[kind] += sent
    figures["total"] = sum(figures.values())
    figures["css_parsed"] = css_parsed
    figures["files"] = sorted(url.rsplit("/", 1)[-1] for url in bodies)
    figures["timing"] = page.evaluate(RESOURCES)
    return figures


def test_home_page_is_under_150_kb_transferred_and_300_kb_of_css(page, assert_accessible):
    figures = weigh(page, "/")
    fonts = [name for name in figures["files"] if name.endswith((".woff2", ".woff"))]
    print(
        f"\nhome page: {figures['total'] / 1024:.1f} KB transferred "
        f"(html {figures['html'] / 1024:.1f}, css {figures['css'] / 1024:.1f}, "
        f"fonts {figures['font'] / 1024:.1f} in {len(fonts)} files, "
        f"scripts {figures['script'] / 1024:.1f}, other {figures['other'] / 1024:.1f}); "
        f"CSS parsed {figures['css_parsed'] / 1024:.1f} KB"
    )
    print("files:", ", ".join(figures["files"]))
    assert fonts, "the page loads no font: Marianne is not applied"
    assert all(name.endswith(".woff2") for name in fonts), fonts
    # Resource Timing agrees on what the page fetched: every file the browser counted.
    timed = {entry["url"].rsplit("/", 1)[-1] for entry in figures["timing"]}
    assert set(figures["files"]) <= timed, set(figures["files"]) - timed
    assert figures["css_parsed"] < CSS_LIMIT, figures["css_parsed"]
    assert figures["total"] < TRANSFER_LIMIT, figures["total"]
    assert_accessible(page)
