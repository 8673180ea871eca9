"""The API's token authentication (egts.auth.TokenAuthentication): one query for the token
and its user, and DRF's answers for a bad token or an inactive account."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/contributions/"


def _get(key: str):
    return APIClient().get(URL, HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_authenticates_its_user_with_one_query():
    user = UserFactory()
    token = Token.objects.create(user=user)

    with CaptureQueriesContext(connection) as queries:
        response = _get(token.key)

    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert response.wsgi_request.auth == token
    assert response.wsgi_request.auth.user is response.wsgi_request.user
    token_queries = [q["sql"] for q in queries.captured_queries if "authtoken_token" in q["sql"]]
    assert len(token_queries) == 1
    assert "egts_user" in token_queries[0]


@pytest.mark.parametrize(
    "key",
    ["0" * 40, "inconnu", "x" * 41, "abc\x00def", "x'OR'1'='1"],
    ids=["unknown", "short", "too-long", "nul", "quote"],
)
def test_an_unknown_token_is_refused_with_401(key):
    Token.objects.create(user=UserFactory())

    response = _get(key)

    assert response.status_code == 401
    assert response.json()["detail"] == "Token non valide."


def test_the_token_of_an_inactive_account_is_refused_with_401():
    token = Token.objects.create(user=UserFactory(is_active=False))

    response = _get(token.key)

    assert response.status_code == 401
    assert response.json()["detail"] == "Utilisateur inactif ou supprimé."


def test_a_deleted_token_stops_working_at_once():
    token = Token.objects.create(user=UserFactory())
    assert _get(token.key).status_code == 200

    token.delete()

    assert _get(token.key).status_code == 401
