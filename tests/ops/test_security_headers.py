"""Security headers on responses: CSP with a per-response nonce, and the classic headers.

The production values (HSTS, secure cookies, HTTPS redirect) are read in a fresh process
with DEBUG off, since settings are computed once per process.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories.egts import copil_member

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


class _Inline(HTMLParser):
    """Collects what a strict CSP blocks: inline scripts and styles, handlers, style attributes."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.styles: list[dict] = []
        self.handlers: list[str] = []
        self.style_attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        if tag == "style":
            self.styles.append(attributes)
        self.handlers += [f"{tag} {name}" for name in attributes if name.startswith("on")]
        if "style" in attributes:
            self.style_attributes.append(f"{tag} style={attributes['style']!r}")


def inline_parts(response) -> _Inline:
    parser = _Inline()
    parser.feed(response.content.decode())
    return parser


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("demarche"))

    policy = directives(response)
    nonce = NONCE.search(response["Content-Security-Policy"]).group(1)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_each_response_gets_its_own_nonce_and_dsfr_scripts_carry_it(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    first, second = client.get(reverse("demarche")), client.get(reverse("demarche"))

    nonces = [NONCE.search(r["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    scripts = inline_parts(first).scripts
    dsfr = [s for s in scripts if "/dsfr/" in s.get("src", "")]
    assert [s["type"] if "type" in s else "nomodule" for s in dsfr] == ["module", "nomodule"]
    assert {s["nonce"] for s in scripts} == {nonces[0]}


def test_a_cached_public_page_is_served_with_the_nonce_its_html_carries(client):
    miss, hit = client.get(reverse("home")), client.get(reverse("home"))

    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    header_nonce = NONCE.search(hit["Content-Security-Policy"]).group(1)
    assert {s["nonce"] for s in inline_parts(hit).scripts} == {header_nonce}


def test_classic_security_headers_are_set(client):
    response = client.get(reverse("home"))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


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
        "/plan-du-site/",
        "/page-inexistante/",
    ],
)
def test_public_pages_have_no_inline_script_handler_or_style(client, path):
    response = client.get(path)

    assert response.status_code in (200, 404)
    parts = inline_parts(response)
    nonce = NONCE.search(response["Content-Security-Policy"]).group(1)
    # Every script is a file of ours; the nonce it carries changes nothing for 'self'.
    assert all(s.get("src", "").startswith("/static/") for s in parts.scripts), parts.scripts
    assert all(s.get("nonce") == nonce for s in parts.scripts)
    assert parts.styles == []
    assert parts.handlers == []
    assert parts.style_attributes == []


@pytest.mark.parametrize(
    "path",
    [
        "/espace/grand-sud/",
        "/espace/grand-sud/moderation/",
        "/espace/grand-sud/groupes/",
        "/espace/grand-sud/membres/",
        "/espace/grand-sud/propositions/",
        "/espace/grand-sud/rapport/",
        "/contributions/contribuer/",
        "/pratiques/proposer/",
        "/compte/profil/",
    ],
)
def test_signed_in_pages_have_no_inline_script_handler_or_style(client, path):
    client.force_login(copil_member("grand-sud", role="copil_lead"))
    response = client.get(path, follow=True)

    assert response.status_code == 200
    parts = inline_parts(response)
    assert all(s.get("src", "").startswith("/static/") for s in parts.scripts), parts.scripts
    assert parts.styles == []
    assert parts.handlers == []
    assert parts.style_attributes == []


def test_swagger_ui_inline_blocks_carry_the_response_nonce(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    nonce = NONCE.search(response["Content-Security-Policy"]).group(1)
    parts = inline_parts(response)
    assert len(parts.scripts) == 3
    assert {s["nonce"] for s in parts.scripts} == {nonce}
    assert {s["nonce"] for s in parts.styles} == {nonce}
    assert "validatorUrl" in response.content.decode()


# Files a strict CSP would break: inline <script> blocks, on…= handlers, style="…" attributes.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.I)
# The Swagger UI page has its inline blocks, each with the nonce.
NONCED = {ROOT / "templates/drf_spectacular/swagger_ui.html"}
# Rendered by WeasyPrint into PDFs, never by a browser.
PDF_TEMPLATES = "/pdf/"


def _source_files():
    for folder, suffixes in (("templates", {".html", ".txt"}), ("static", {".js", ".html"})):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in suffixes and PDF_TEMPLATES not in str(path):
                yield path


def test_no_template_or_static_file_has_inline_script_handler_or_style():
    offending = []
    for path in _source_files():
        text = path.read_text()
        if path not in NONCED and INLINE_SCRIPT.search(text):
            offending.append(f"{path.relative_to(ROOT)}: inline <script>")
        if HANDLER.search(text):
            offending.append(f"{path.relative_to(ROOT)}: on…= handler")
        if STYLE_ATTRIBUTE.search(text):
            offending.append(f"{path.relative_to(ROOT)}: style attribute")
    assert offending == []


PRODUCTION_DUMP = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
secure = Client().get("/health/", secure=True, headers={"host": "egts.example"})
plain = Client().get("/la-demarche/", headers={"host": "egts.example"})
print(json.dumps({
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "CSRF_COOKIE_HTTPONLY": s.CSRF_COOKIE_HTTPONLY,
    "hsts": secure.headers.get("Strict-Transport-Security"),
    "csp": secure.headers.get("Content-Security-Policy"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
}))
"""


def test_production_settings_turn_on_hsts_secure_cookies_and_https():
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "egts.settings",
        "ENV_FILE": "/dev/null",
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "egts.example",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(  # noqa: S603 — our own interpreter, fixed script
        [sys.executable, "-c", PRODUCTION_DUMP],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "upgrade-insecure-requests" in values["csp"]
    assert values["plain_status"] == 301
    assert values["plain_location"] == "https://egts.example/la-demarche/"
