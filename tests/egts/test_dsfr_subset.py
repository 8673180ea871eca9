"""static/css/dsfr.css, the DSFR rules the pages use (egts/dsfr_subset.py), stays in step
with the templates, and styles every DSFR class they write."""

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

from egts import dsfr_subset

ROOT = Path(settings.BASE_DIR)


def test_the_committed_stylesheet_and_fonts_are_what_the_templates_need_now():
    """Fails when a template gains or loses a DSFR class without `manage.py dsfr_subset`."""
    stale = [
        str(path.relative_to(ROOT))
        for path, content in dsfr_subset.files().items()
        if not path.exists() or path.read_bytes() != content
    ]
    assert stale == [], f"run `manage.py dsfr_subset` and commit: {stale}"


def test_every_dsfr_class_a_template_writes_is_styled_by_the_subset():
    """Read apart from the generator: each class="…" of the project's templates that
    DSFR's full stylesheets style is styled by the subset too."""
    subset = set(re.findall(r"\.(fr-[\w-]+)", dsfr_subset.OUTPUT.read_text()))
    written = set()
    for template in (ROOT / "templates").rglob("*.html"):
        for value in re.findall(r'class="([^"]*)"', template.read_text()):
            value = re.sub(r"\{[{%].*?[}%]\}", " ", value)
            written |= {word for word in value.split() if word.startswith("fr-")}
    assert len(written) > 100
    # Classes DSFR styles where the pages can meet the rule: in a selector whose other
    # classes are written too (fr-input--error is styled only inside fr-search-bar).
    reachable = set()
    for sheet in dsfr_subset.SOURCES:
        # Each run of text that follows a brace (or the start) and ends at "{": anchored so
        # that the regex does not retry from every character of a declaration block
        # (unanchored, it took 31 s on DSFR's full stylesheet, for the same matches).
        for selectors in re.findall(r"(?<![^{}])([^{}]+)\{", sheet.read_text()):
            for selector in selectors.split(","):
                names = set(re.findall(r"\.(fr-[\w-]+)", selector))
                if names & written and names <= written | subset:
                    reachable |= names & written
    assert len(reachable) > 100
    missing = sorted(reachable - subset)
    assert missing == []


def test_the_subset_keeps_what_the_scripts_and_the_messages_need():
    css = dsfr_subset.OUTPUT.read_text()
    for selector in (
        ".fr-collapse--expanded",  # set by DSFR's script on an open menu
        ".fr-header__menu",
        ".fr-alert--success",  # a flash message's level becomes its modifier
        ".fr-alert--error",
        ".fr-input-group--error",  # fr-{{ type }}-group in allauth's fields
        ".fr-icon-account-circle-line",
    ):
        assert selector in css, selector
    # Components no page uses are left out.
    for selector in (".fr-range", ".fr-segmented", ".fr-password__input", ".fr-tabs__tab"):
        assert selector not in css, selector


def test_the_subset_reaches_fonts_and_icons_by_paths_collectstatic_resolves():
    css = dsfr_subset.OUTPUT.read_text()
    targets = set(re.findall(r"url\(([^)\"']+)\)", css))
    assert any("fonts/Marianne-Regular.woff2" in target for target in targets)
    assert not any(target.endswith(".woff") for target in targets)
    base = dsfr_subset.OUTPUT.parent
    for target in targets - {t for t in targets if t.startswith("data:")}:
        found = (base / target).resolve()
        if not found.exists():  # DSFR's own files, found in the app's static folder
            found = (dsfr_subset.DIST / target.split("dsfr/dist/", 1)[-1]).resolve()
        assert found.exists(), target


def test_the_pages_link_the_subset_without_an_integrity_attribute():
    """A hash written for DSFR's file cannot match it once collectstatic rewrote its
    url()s: browsers then refuse it. The subset is ours, served by ourselves."""
    for name in ("base.html", "errors/_standalone.html"):
        source = get_template(name).template.source
        assert "{% static 'css/dsfr.css' %}" in source, name
        assert "dsfr_css" not in re.sub(
            r"\{% comment %\}.*?\{% endcomment %\}", "", source, flags=re.S
        ), name
