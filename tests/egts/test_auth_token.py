"""POST /api/v1/auth/token/: tokens for good credentials, one vague answer for bad ones,
django-axes counting every failure, and session authentication still guarded by CSRF."""

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories.egts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
BAD_CREDENTIALS = {"non_field_errors": ["Identifiants incorrects."]}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def user():
    return UserFactory(email="claire@exemple.fr")


def test_good_credentials_give_the_users_token(api, user):
    response = api.post(URL, {"email": "claire@exemple.fr", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    token = Token.objects.get(user=user)
    assert response.json()["token"] == token.key
    assert set(response.json()) == {"token", "expires_at"}


def test_the_same_token_is_given_again_and_the_email_is_case_insensitive(api, user):
    first = api.post(URL, {"email": "claire@exemple.fr", "password": PASSWORD}, format="json")
    second = api.post(URL, {"email": "Claire@Exemple.FR", "password": PASSWORD}, format="json")

    assert second.status_code == 200
    assert first.json() == second.json()
    assert Token.objects.filter(user=user).count() == 1


def test_wrong_password_and_unknown_email_get_the_same_answer(api, user):
    wrong_password = api.post(
        URL, {"email": "claire@exemple.fr", "password": "pas-le-bon-mot"}, format="json"
    )
    unknown_email = api.post(
        URL, {"email": "inconnu@exemple.fr", "password": PASSWORD}, format="json"
    )

    assert wrong_password.status_code == unknown_email.status_code == 400
    assert wrong_password.json() == unknown_email.json() == BAD_CREDENTIALS
    assert not Token.objects.exists()


def test_inactive_account_gets_no_token(api):
    UserFactory(email="parti@exemple.fr", is_active=False)

    response = api.post(URL, {"email": "parti@exemple.fr", "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert response.json() == BAD_CREDENTIALS
    assert not Token.objects.exists()


def test_unverified_address_gets_no_token(api, user):
    EmailAddress.objects.filter(user=user).update(verified=False)

    response = api.post(URL, {"email": "claire@exemple.fr", "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Confirmez d'abord votre adresse électronique avec le lien reçu par courriel."
        ]
    }
    assert not Token.objects.exists()


def test_missing_fields_are_reported_per_field_in_french(api):
    response = api.post(URL, {}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "email": ["Ce champ est obligatoire."],
        "password": ["Ce champ est obligatoire."],
    }


def test_malformed_email_is_reported_on_its_field(api):
    response = api.post(URL, {"email": "claire", "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert response.json() == {"email": ["Saisissez une adresse e-mail valide."]}


def test_a_form_encoded_body_works_too(api, user):
    response = api.post(URL, {"email": "claire@exemple.fr", "password": PASSWORD})

    assert response.status_code == 200
    token = Token.objects.get(user=user)
    assert response.json()["token"] == token.key
    assert set(response.json()) == {"token", "expires_at"}


def test_each_failure_is_counted_by_axes_against_the_email(api, user):
    for _attempt in range(2):
        api.post(URL, {"email": "claire@exemple.fr", "password": "mauvais"}, format="json")

    attempt = AccessAttempt.objects.get()
    assert attempt.username == "claire@exemple.fr"
    assert attempt.failures_since_start == 2


def test_success_resets_the_failure_count(api, user):
    api.post(URL, {"email": "claire@exemple.fr", "password": "mauvais"}, format="json")

    api.post(URL, {"email": "claire@exemple.fr", "password": PASSWORD}, format="json")

    assert not AccessAttempt.objects.exists()
    user.refresh_from_db()
    assert user.last_login is not None


def test_brute_force_locks_the_account_out_with_a_json_429(api, user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    answers = [
        api.post(URL, {"email": "claire@exemple.fr", "password": f"essai-{n}"}, format="json")
        for n in range(5)
    ]

    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429]
    locked = api.post(URL, {"email": "claire@exemple.fr", "password": PASSWORD}, format="json")

    # Even the right password is refused while locked out, in JSON, never as a 500.
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked["Retry-After"] == "1800"
    assert locked.json() == {
        "detail": "Trop de tentatives de connexion infructueuses : la connexion à ce compte "
        "est bloquée temporairement. Réessayez plus tard ou choisissez un nouveau "
        "mot de passe."
    }
    assert answers[4].json() == locked.json()
    assert not Token.objects.exists()


def test_lockout_of_one_email_does_not_lock_another(api, user):
    UserFactory(email="marc@exemple.fr")
    for n in range(5):
        api.post(URL, {"email": "claire@exemple.fr", "password": f"essai-{n}"}, format="json")

    response = api.post(URL, {"email": "marc@exemple.fr", "password": PASSWORD}, format="json")

    assert response.status_code == 200


def test_token_endpoint_is_rate_limited_per_client_with_retry_after(api):
    # Different e-mails each time: the rate limit, not the lockout, answers.
    answers = [
        api.post(URL, {"email": f"personne{n}@exemple.fr", "password": "x"}, format="json")
        for n in range(11)
    ]

    assert [a.status_code for a in answers] == [400] * 10 + [429]
    assert int(answers[-1]["Retry-After"]) > 0


def test_the_token_authenticates_api_requests(api, user):
    token = api.post(URL, {"email": "claire@exemple.fr", "password": PASSWORD}, format="json")
    key = token.json()["token"]

    assert api.get("/api/v1/themes/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    refused = api.get("/api/v1/themes/", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Token non valide."}


def test_session_authentication_requires_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    # A session-authenticated write without the CSRF token stops at authentication…
    without_csrf = client.post("/api/v1/themes/", {}, content_type="application/json")
    assert without_csrf.status_code == 403
    assert without_csrf.json()["detail"].startswith("CSRF Failed")

    # …and with it, it reaches the view (which only reads: 405).
    client.get("/")
    csrf_token = client.cookies["csrftoken"].value
    with_csrf = client.post(
        "/api/v1/themes/", {}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf_token
    )
    assert with_csrf.status_code == 405


def test_token_authentication_needs_no_csrf_token(api, user):
    key = Token.objects.create(user=user).key
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/api/v1/themes/", {}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )

    assert response.status_code == 405
