"""Login brute force, password rules and session expiry, as configured in egts/settings.py.

The lockout page and the API's 429 are tested in tests/egts/test_accounts.py and
test_auth_token.py; invitations (single use, seven-day expiry, other account refused) in
tests/assises/test_workspace.py. Here: what the lockout counts, when it ends, which
passwords are refused and when a session stops being valid.

Two limits stack on the login form: django-axes (5 failures for one e-mail from one
address lock it for 30 minutes, answered with the 429 lockout page) and django-allauth's
own (5 failures for one e-mail in 5 minutes, from any address, in the cache). Tests of
the axes rules clear the cache to take allauth's short limit out of the way.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egts.models import User
from tests.factories.egts import PASSWORD, UserFactory, copil_member

pytestmark = pytest.mark.django_db

LOGIN = "/compte/login/"


def _login(client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def _fail_until_locked(client, email: str, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, email, "mauvais-mot-de-passe")
    cache.clear()  # allauth's counters: what remains is axes' lockout
    assert _login(client, email, PASSWORD).status_code == 429


# --- Brute force --------------------------------------------------------------------------


def test_lockout_comes_after_exactly_five_failures(client, settings):
    UserFactory(email="aline@exemple.fr")
    assert settings.AXES_FAILURE_LIMIT == 5

    for _ in range(4):
        assert _login(client, "aline@exemple.fr", "mauvais-mot-de-passe").status_code == 200
    # Four failures leave the account open to its owner.
    assert _login(client, "aline@exemple.fr", PASSWORD).status_code == 302
    client.logout()
    cache.clear()
    for _ in range(5):
        _login(client, "aline@exemple.fr", "mauvais-mot-de-passe")
    cache.clear()
    response = _login(client, "aline@exemple.fr", PASSWORD)

    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_allauth_also_stops_five_failures_for_one_email_from_any_address():
    UserFactory(email="aurore@exemple.fr")
    for number in range(5):
        _login(Client(REMOTE_ADDR=f"203.0.113.{number}"), "aurore@exemple.fr", "mauvais")

    response = _login(Client(REMOTE_ADDR="198.51.100.9"), "aurore@exemple.fr", PASSWORD)

    assert response.status_code == 200
    assert "Trop de tentatives de connexion infructueuses" in response.content.decode()


def test_lockout_counts_one_address_and_one_email_so_others_still_sign_in(settings):
    UserFactory(email="basile@exemple.fr")
    UserFactory(email="carole@exemple.fr")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    _fail_until_locked(attacker, "basile@exemple.fr", settings)

    # The owner from their own address, and another account from the attacker's address.
    assert (
        _login(Client(REMOTE_ADDR="198.51.100.2"), "basile@exemple.fr", PASSWORD).status_code == 302
    )
    assert _login(attacker, "carole@exemple.fr", PASSWORD).status_code == 302


def test_the_lockout_ends_after_thirty_minutes(client, settings):
    UserFactory(email="denis@exemple.fr")
    _fail_until_locked(client, "denis@exemple.fr", settings)
    assert settings.AXES_COOLOFF_TIME == 0.5

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    cache.clear()

    assert _login(client, "denis@exemple.fr", PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(client, settings):
    UserFactory(email="eloise@exemple.fr")
    for _ in range(4):
        _login(client, "eloise@exemple.fr", "mauvais-mot-de-passe")
    assert _login(client, "eloise@exemple.fr", PASSWORD).status_code == 302
    client.logout()
    cache.clear()

    for _ in range(4):
        _login(client, "eloise@exemple.fr", "mauvais-mot-de-passe")

    assert _login(client, "eloise@exemple.fr", PASSWORD).status_code == 302


# --- Password rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-1", "Ce mot de passe est trop court. Il doit contenir au minimum 10 caractères."),
        ("azertyuiop", "Ce mot de passe est trop courant."),
        ("2014201420142014", "Ce mot de passe est entièrement numérique."),
        (
            "fanny.martin.exemple",
            "Le mot de passe est trop semblable au champ «\u00a0adresse électronique\u00a0».",
        ),
    ],
)
def test_weak_passwords_are_refused_with_a_french_reason(password, message):
    user = User(email="fanny.martin@exemple.fr")

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    assert message in refused.value.messages


def test_a_long_uncommon_password_is_accepted():
    assert validate_password("Une-phrase-de-passe-2014", User(email="g@exemple.fr")) is None


def test_signup_with_a_common_password_creates_no_account(client):
    response = client.post(
        "/compte/signup/",
        {"email": "henri@exemple.fr", "password1": "motdepasse", "password2": "motdepasse"},
    )

    assert response.status_code == 200
    assert "Ce mot de passe est trop courant." in response.content.decode()
    assert not User.objects.filter(email="henri@exemple.fr").exists()


# --- Sessions -----------------------------------------------------------------------------


def test_a_session_lasts_eight_hours_and_its_cookie_ends_with_the_browser(client, settings):
    UserFactory(email="ines@exemple.fr")

    response = _login(client, "ines@exemple.fr", PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # no lifetime: gone when the browser closes
    assert client.session.get_expiry_age() == 8 * 60 * 60
    stored = Session.objects.get(session_key=client.session.session_key)
    lifetime = stored.expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < lifetime <= datetime.timedelta(hours=8)


def test_an_expired_session_no_longer_opens_the_back_office(client):
    lead = copil_member("grand-sud", role="copil_lead")
    client.force_login(lead)
    assert client.get("/espace/grand-sud/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/espace/grand-sud/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
