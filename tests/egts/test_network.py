"""The client's address (egts/network.py): one reading of PROXY_COUNT for every limit.

The real proxy hop is in tests/ops/test_login_faults.py; here, X-Forwarded-For as the
middleware and each limiter read it, through Django's test client.
"""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from egts import ratelimit
from egts.auth import AccountAdapter
from egts.network import client_ip
from tests.factories.egts import PASSWORD, UserFactory

PROXY = "10.0.0.1"


def _request(xff: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxy_count", "xff", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # no proxy: the header is the client's own words
        (1, None, PROXY),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # forged first entry ignored
        (1, "n'importe quoi", PROXY),  # not an address: never stored, never a 500
        (1, "1.2.3.4\x00", PROXY),
        (2, "203.0.113.5", PROXY),  # shorter than the proxy chain: not through it
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_entry_the_outermost_trusted_proxy_wrote(
    settings, proxy_count, xff, expected
):
    settings.PROXY_COUNT = proxy_count
    assert client_ip(_request(xff)) == expected


def test_axes_allauth_and_the_submission_limits_all_read_the_same_address(settings):
    settings.PROXY_COUNT = 1
    from axes.helpers import get_client_ip_address

    request = _request("198.51.100.1, 203.0.113.5")
    assert get_client_ip_address(request) == "203.0.113.5"
    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.5"
    by_address, _by_account = ratelimit.SUBMISSIONS["contribution_submit"]
    assert by_address().get_cache_key(request, None) == "throttle_contribution_submit_203.0.113.5"


@pytest.mark.django_db
def test_behind_one_proxy_a_forged_header_does_not_lock_another_client(settings):
    """All requests come from the proxy's address; the attacker changes the forged part of
    X-Forwarded-For every time. Axes records the real client and locks only it."""
    settings.PROXY_COUNT = 1
    UserFactory(email="copil@exemple.fr")
    attacker = Client(REMOTE_ADDR=PROXY)
    for number in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(
            reverse("account_login"),
            {"login": "copil@exemple.fr", "password": "mauvais"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.66",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    cache.clear()  # allauth's per-e-mail limit aside: what remains is axes
    locked = attacker.post(
        reverse("account_login"),
        {"login": "copil@exemple.fr", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.66",
    )
    assert locked.status_code == 429

    owner = Client(REMOTE_ADDR=PROXY)
    response = owner.post(
        reverse("account_login"),
        {"login": "copil@exemple.fr", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_allauths_per_address_limit_counts_the_client_behind_the_proxy(settings):
    settings.PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR=PROXY)
    for number in range(11):
        attacker.post(
            reverse("account_login"),
            {"login": f"inconnu{number}@exemple.fr", "password": "mauvais"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.66",
        )
    UserFactory(email="voisine@exemple.fr")
    response = Client(REMOTE_ADDR=PROXY).post(
        reverse("account_login"),
        {"login": "voisine@exemple.fr", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_header_shorter_than_the_proxy_chain_is_no_500(settings):
    """allauth's own reading raises ImproperlyConfigured there (a 500)."""
    settings.PROXY_COUNT = 2
    UserFactory(email="lea@exemple.fr")
    response = Client(REMOTE_ADDR=PROXY).post(
        reverse("account_login"),
        {"login": "lea@exemple.fr", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_token_throttle_counts_the_client_behind_the_proxy(settings):
    settings.PROXY_COUNT = 1
    api = Client(REMOTE_ADDR=PROXY)
    for number in range(10):
        body = {"email": f"personne{number}@exemple.fr", "password": "mauvais"}
        assert (
            api.post("/api/v1/auth/token/", body, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code
            == 400
        )
    body = {"email": "autre@exemple.fr", "password": "mauvais"}
    refused = api.post("/api/v1/auth/token/", body, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.10")
    assert refused.status_code == 429
    assert "Retry-After" in refused
    other = api.post("/api/v1/auth/token/", body, HTTP_X_FORWARDED_FOR="203.0.113.11")
    assert other.status_code == 400
