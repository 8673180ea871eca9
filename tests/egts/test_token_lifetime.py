"""API tokens: a lifetime (API_TOKEN_LIFETIME_DAYS), rotation on request, revocation when
the password changes (whatever the way it changes). An old token answers 401 at once."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from egts.models import User
from tests.factories.egts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ROTATE_URL = "/api/v1/auth/token/rotate/"
PRIVATE_URL = "/api/v1/me/contributions/"
NEW_PASSWORD = "Une-phrase-secrete-2015"


def _obtain(email: str, password: str = PASSWORD) -> dict:
    response = APIClient().post(TOKEN_URL, {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _status_with(key: str) -> int:
    return APIClient().get(PRIVATE_URL, HTTP_AUTHORIZATION=f"Token {key}").status_code


def _age(key: str, **delta) -> None:
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(**delta))


# --- Lifetime -----------------------------------------------------------------------------


def test_a_token_says_when_it_expires_from_the_setting(settings):
    settings.API_TOKEN_LIFETIME_DAYS = 7
    UserFactory(email="amel@exemple.fr")
    answer = _obtain("amel@exemple.fr")
    token = Token.objects.get(key=answer["token"])
    assert parse_datetime(answer["expires_at"]) == token.created + datetime.timedelta(days=7)


def test_an_expired_token_answers_401_and_a_new_login_gives_another_one(settings):
    settings.API_TOKEN_LIFETIME_DAYS = 2
    UserFactory(email="bruno@exemple.fr")
    old = _obtain("bruno@exemple.fr")["token"]
    _age(old, days=1, hours=23)
    assert _status_with(old) == 200

    _age(old, days=2, seconds=1)
    response = APIClient().get(PRIVATE_URL, HTTP_AUTHORIZATION=f"Token {old}")
    assert response.status_code == 401
    assert "Jeton expiré" in response.json()["detail"]

    new = _obtain("bruno@exemple.fr")["token"]
    assert new != old
    assert _status_with(new) == 200
    assert _status_with(old) == 401


def test_an_unexpired_token_is_given_again_to_each_client_of_the_account():
    UserFactory(email="carla@exemple.fr")
    assert _obtain("carla@exemple.fr")["token"] == _obtain("carla@exemple.fr")["token"]


# --- Rotation on request ------------------------------------------------------------------


def test_rotation_on_request_gives_a_new_token_and_the_old_one_stops_at_once():
    UserFactory(email="denis@exemple.fr")
    old = _obtain("denis@exemple.fr")["token"]

    response = APIClient().post(ROTATE_URL, HTTP_AUTHORIZATION=f"Token {old}")

    assert response.status_code == 200
    new = response.json()["token"]
    assert new != old and response.json()["expires_at"]
    assert _status_with(old) == 401
    assert _status_with(new) == 200
    # The token endpoint now hands out the new one, not the old.
    assert _obtain("denis@exemple.fr")["token"] == new


def test_rotation_needs_credentials_and_the_csrf_token_with_a_session():
    assert APIClient().post(ROTATE_URL).status_code == 401
    user = UserFactory(email="eva@exemple.fr")
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post(ROTATE_URL).status_code == 403
    assert not Token.objects.filter(user=user).exists()


def test_an_expired_token_cannot_rotate_itself():
    UserFactory(email="fred@exemple.fr")
    old = _obtain("fred@exemple.fr")["token"]
    _age(old, days=365)
    assert APIClient().post(ROTATE_URL, HTTP_AUTHORIZATION=f"Token {old}").status_code == 401


# --- Revocation on password change ---------------------------------------------------------


def test_changing_the_password_on_the_site_revokes_the_token(client):
    user = UserFactory(email="gina@exemple.fr")
    old = _obtain("gina@exemple.fr")["token"]
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _status_with(old) == 401
    new = _obtain("gina@exemple.fr", NEW_PASSWORD)["token"]
    assert new != old
    assert _status_with(new) == 200


def test_resetting_a_forgotten_password_revokes_the_token(client):
    UserFactory(email="hugo@exemple.fr")
    old = _obtain("hugo@exemple.fr")["token"]
    client.post(reverse("account_reset_password"), {"email": "hugo@exemple.fr"})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    response = client.get(link, follow=True)
    client.post(
        response.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert User.objects.get(email="hugo@exemple.fr").check_password(NEW_PASSWORD)
    assert _status_with(old) == 401


def test_a_password_set_by_the_technical_administrator_revokes_the_token():
    user = UserFactory(email="ines@exemple.fr")
    old = _obtain("ines@exemple.fr")["token"]
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = admin.post(
        f"/admin-technique/egts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert _status_with(old) == 401


def test_a_stronger_hash_written_at_login_is_no_password_change(settings):
    """Django rewrites the hash with the preferred hasher when one signs in: the password is
    the same, so the token stays."""
    UserFactory(email="jules@exemple.fr")  # hashed with MD5 (tests/conftest.py)
    old = _obtain("jules@exemple.fr")["token"]
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert _obtain("jules@exemple.fr")["token"] == old
    assert User.objects.get(email="jules@exemple.fr").password.startswith("pbkdf2_")
    assert _status_with(old) == 200
