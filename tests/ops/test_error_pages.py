"""The DSFR error pages, reached the way visitors reach them, with DEBUG off.

pytest-django runs with DEBUG off, so Django calls the handlers of egts/urls.py. Each page
is a French page in the State design, with the right status and nothing of the failure.
"""

import html
import re

import pytest
from django.test import Client

from tests.factories.egts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.error_urls")]


def h1_of(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    return html.unescape(re.sub(r"\s+", " ", match.group(1)).strip())


def assert_dsfr_error_page(response, status: int, heading: str) -> None:
    page = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert h1_of(response) == heading
    assert f"Erreur {status}" in page
    assert 'class="fr-header"' in page and 'class="fr-footer"' in page
    assert '<html lang="fr"' in page
    assert "Traceback" not in page and "a bug" not in page and "127.0.0.1" not in page


def test_debug_is_off_in_these_tests(settings):
    assert settings.DEBUG is False


def test_unknown_address_gets_the_dsfr_404(client):
    assert_dsfr_error_page(client.get("/adresse-inconnue/"), 404, "Page non trouvée")


def test_forbidden_page_gets_the_dsfr_403(client):
    client.force_login(UserFactory())

    response = client.get("/territoires/grand-sud/modifier/")

    assert_dsfr_error_page(response, 403, "Accès refusé")
    assert "Cette page est réservée à d'autres rôles" in html.unescape(response.content.decode())


def test_request_for_an_unknown_host_gets_the_dsfr_400(client):
    # Django refuses a Host header outside ALLOWED_HOSTS with SuspiciousOperation: a 400.
    response = client.get("/la-demarche/", headers={"host": "piege.example"})

    assert_dsfr_error_page(response, 400, "Requête incorrecte")


def test_rate_limited_view_gets_the_dsfr_429_with_retry_after(client):
    response = client.get("/_test/rate-limited/")

    assert_dsfr_error_page(response, 429, "Trop de demandes")
    assert response["Retry-After"] == "90"


def test_a_bug_gets_the_dsfr_500_without_any_detail():
    client = Client(raise_request_exception=False)

    response = client.get("/_test/boom/")

    assert_dsfr_error_page(response, 500, "Erreur inattendue")


def test_database_down_gets_the_dsfr_503_with_retry_after():
    client = Client(raise_request_exception=False)

    response = client.get("/_test/database-down/")

    assert_dsfr_error_page(response, 503, "Service momentanément indisponible")
    assert response["Retry-After"] == "30"
    assert "Réessayez dans quelques minutes" in html.unescape(response.content.decode())


def test_error_pages_carry_the_security_headers(client):
    response = client.get("/adresse-inconnue/")

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
