"""API fuzzing: schemathesis generates requests from /api/v1/schema/ for every operation.

No input may produce a 500, and every response must match the schema (status codes,
content types, bodies). The number of examples is bounded to keep CI fast; set
EGTS_FUZZ_EXAMPLES to explore more locally.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Server errors and conformance to the schema; "positive data acceptance" is left out
# because valid-looking data is legitimately refused by permissions and business rules.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
MAX_EXAMPLES = int(os.environ.get("EGTS_FUZZ_EXAMPLES", "15"))


# Loaded at collection: building the schema needs Django (set up by pytest-django), no database.
from egts.wsgi import application  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture(autouse=True)
def _keep_test_connection_open():
    """Requests go through the WSGI handler, whose request signals would close the test's
    database connection (Django's test Client disconnects them the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_answers_500_and_matches_its_schema(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=max(MAX_EXAMPLES // 3, 3),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_as_signed_in_participant_never_answers_500(case, db):
    from rest_framework.authtoken.models import Token

    user = UserFactory(email="fuzz@exemple.fr") if not _exists() else _get()
    token, _ = Token.objects.get_or_create(user=user)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)


def _exists():
    from egts.models import User

    return User.objects.filter(email="fuzz@exemple.fr").exists()


def _get():
    from egts.models import User

    return User.objects.get(email="fuzz@exemple.fr")
