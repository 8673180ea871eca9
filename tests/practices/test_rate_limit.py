"""Practices have a submission rate limit, as contributions and questionnaires do: a clear
French 429 with Retry-After, in the API's error shape and on the form that keeps its input."""

from html import unescape

import pytest
from rest_framework.test import APIClient

from practices.models import Practice
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/practices/"
FORM = "/pratiques/proposer/"


def payload(number: int) -> dict:
    return {
        "title": f"Une pratique numéro {number}",
        "summary": "Un référent unique accompagne chaque jeune.",
        "context": "Des ruptures de prise en charge.",
        "people_concerned": "Jeunes majeurs.",
        "actors": "Mission locale.",
        "implementation": "Un référent désigné.",
        "results": "Moins de sorties sèches.",
        "transfer_conditions": "Un accord local.",
        "organisation": "Conseil général",
        "department": "13",
        "themes": ["T1"],
    }


def test_fifteen_practices_in_a_row_through_the_api_stop_at_the_limit():
    api = APIClient()
    api.force_authenticate(UserFactory())

    statuses = [api.post(API, payload(n), format="json").status_code for n in range(15)]

    assert statuses == [201] * 10 + [429] * 5
    assert Practice.objects.count() == 10


def test_the_api_answers_a_french_429_with_retry_after(settings, throttle_rates):
    throttle_rates(practice_submit="2/hour")
    api = APIClient()
    api.force_authenticate(UserFactory())
    for number in range(2):
        assert api.post(API, payload(number), format="json").status_code == 201

    response = api.post(API, payload(3), format="json")

    assert response.status_code == 429
    seconds = int(response["Retry-After"]) - 1  # rounded up in the header
    assert 0 < seconds <= 3600
    assert response.json() == {
        "detail": f"Trop d'envois en peu de temps : réessayez dans {max(1, seconds // 60)} "
        f"minute(s). Disponible à nouveau dans {seconds} secondes."
    }
    assert Practice.objects.count() == 2


def test_the_limit_holds_per_address_across_accounts(settings, throttle_rates):
    throttle_rates(practice_submit="1/hour")
    api = APIClient()
    api.force_authenticate(UserFactory())
    assert api.post(API, payload(1), format="json").status_code == 201
    api.force_authenticate(UserFactory())

    assert api.post(API, payload(2), format="json").status_code == 429


def test_the_limit_can_be_lifted(settings, throttle_rates):
    throttle_rates(practice_submit="1/hour")
    settings.EGTS_RATE_LIMITS = False
    api = APIClient()
    api.force_authenticate(UserFactory())

    assert [api.post(API, payload(n), format="json").status_code for n in range(3)] == [201] * 3


def test_the_form_answers_429_with_a_clear_message_and_keeps_what_was_typed(
    client, settings, throttle_rates
):
    throttle_rates(practice_submit="1/hour")
    client.force_login(UserFactory())
    first = {"title": "Première pratique", "themes": ["T1"], "action": "save"}
    assert client.post(FORM, first).status_code == 302

    response = client.post(
        FORM,
        {"title": "Deuxième pratique gardée", "summary": "Un résumé gardé", "action": "save"},
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = unescape(response.content.decode())
    assert "Vous avez fait beaucoup d'envois en peu de temps. Votre saisie est conservée" in html
    assert 'value="Deuxième pratique gardée"' in html
    assert "Un résumé gardé" in html
    assert Practice.objects.count() == 1
