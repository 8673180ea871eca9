"""API fuzzing: schemathesis generates requests from /api/v1/schema/ for every operation,
anonymously and with the token of each role, on the demo content.

No input may produce a 500, and every response must match the schema (status codes,
content types, bodies): a finding fails the test. Path parameters are drawn from random
values and from the demo's real identifiers, so that the answers the schema describes
(a contribution, a questionnaire, a document) are returned and checked, not only 404s.
The number of examples is bounded and derandomized to keep CI fast and repeatable; set
EGTS_FUZZ_EXAMPLES to explore more locally.
"""

import io
import os

import pytest
import schemathesis
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# Server errors and conformance to the schema; "positive data acceptance" is left out
# because valid-looking data is legitimately refused by permissions and business rules.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
MAX_EXAMPLES = int(os.environ.get("EGTS_FUZZ_EXAMPLES", "8"))
TERRITORY = "grand-sud"
# Schemathesis's coverage phase (every boundary and wrong type of every field, a few hundred
# requests for a large body) runs for the public and for the national team, who may reach
# the most code; the other roles get the explicit examples and the bounded fuzzing.
THOROUGH_ROLES = ("anonymous", "national")
OTHER_ROLES = ("participant", "copil_member", "copil_lead")


# Loaded at collection: building the schema needs Django (set up by pytest-django), no database.
from egts.wsgi import application  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
without_coverage = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
without_coverage.config.phases.coverage.enabled = False


# Responses are gzipped when the client accepts it (GZipMiddleware); schemathesis's WSGI
# transport would read the compressed bytes as the body. compression has its own test.
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """The demo content and one API token per role, created once for the module.

    They are written in a transaction left open until the module ends, then rolled back:
    each test's own transaction is a savepoint inside it, so no test sees another's writes
    and the other modules never see the demo content.
    """
    from rest_framework.authtoken.models import Token

    from egts.models import User
    from tests.factories.contributions import ContributionFactory
    from tests.factories.egts import copil_member
    from tests.factories.practices import PracticeFactory

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # One fast hash for the demo accounts (the production hasher is slow on purpose).
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ):
                call_command("seed_demo", force=True, stdout=io.StringIO())
                # National items (no territory) beside the demo's territorial ones.
                ContributionFactory(published=True, national=True)
                PracticeFactory(published=True, national=True)
                users = {
                    "participant": User.objects.get(email="participant@egts.example"),
                    "copil_member": copil_member(TERRITORY, email="membre.fuzz@egts.example"),
                    "copil_lead": User.objects.get(email=f"copil.{TERRITORY}@egts.example"),
                    "national": User.objects.get(email="national@egts.example"),
                }
            keys = {role: Token.objects.get_or_create(user=u)[0].key for role, u in users.items()}
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield keys
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


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


def _real_path_parameters(path: str) -> list[dict]:
    """The demo's identifiers for the parameters of ``path``: what a real client asks for."""
    from actionplan.models import Measure
    from assises.models import Proposal, Synthesis
    from contributions.models import Contribution, Questionnaire
    from documents.models import Document
    from egts.models import Territory
    from practices.models import Practice

    def ids(model) -> list[str]:
        return [str(pk) for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:20]]

    if "{slug}" in path:
        slugs = (
            Questionnaire.objects.values_list("slug", flat=True)
            if path.startswith("/api/v1/questionnaires/")
            else Territory.objects.values_list("slug", flat=True)
        )
        return [{"slug": slug} for slug in slugs]
    if "{kind}" in path:
        return [{"kind": kind} for kind in ("contributions", "responses", "practices", "proposals")]
    if "{id}" in path:
        models = {
            "/api/v1/contributions/": Contribution,
            "/api/v1/practices/": Practice,
            "/api/v1/documents/": Document,
            "/api/v1/syntheses/": Synthesis,
            "/api/v1/proposals/": Proposal,
            "/api/v1/action-plan/measures/": Measure,
        }
        for prefix, model in models.items():
            if path.startswith(prefix):
                return [{"id": pk} for pk in ids(model)]
    return []


def with_real_path_parameters(context, strategy):
    path = context.operation.path
    real = st.deferred(lambda: st.sampled_from(_real_path_parameters(path) or [None]))
    return st.one_of(real.filter(bool), strategy)


for _schema in (schema, without_coverage):
    _schema.hook("before_generate_path_parameters")(with_real_path_parameters)

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def _call(case, role, tokens):
    headers = {} if role == "anonymous" else {"Authorization": f"Token {tokens[role]}"}
    case.call_and_validate(headers={**PLAIN, **(headers or {})}, checks=CHECKS)


@pytest.mark.parametrize("role", THOROUGH_ROLES)
@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_matches_its_schema_for_every_role(case, role, tokens):
    _call(case, role, tokens)


@pytest.mark.parametrize("role", OTHER_ROLES)
@without_coverage.parametrize()
@FUZZ_SETTINGS
def test_every_operation_matches_its_schema_for_every_other_role(case, role, tokens):
    _call(case, role, tokens)


# The audit's findings, each as one fixed request: quick to run, and they name the answer.


def _first_pk(model, **filters) -> str:
    return str(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)[0])


def test_a_published_contribution_matches_its_schema_for_the_public(tokens):
    """``status`` is the author's and the moderators': the schema must not require it."""
    from contributions.models import Contribution

    case = schema["/api/v1/contributions/{id}/"]["GET"].Case(
        path_parameters={"id": _first_pk(Contribution, status="published")}
    )

    response = case.call_and_validate(headers=PLAIN, checks=CHECKS)

    assert response.status_code == 200
    assert "status" not in response.json()


def test_documents_and_practices_of_the_whole_country_match_their_schema(tokens):
    """A national document, practice or contribution has no territory: ``null``."""
    for path in ("/api/v1/documents/", "/api/v1/practices/", "/api/v1/contributions/"):
        case = schema[path]["GET"].Case(query={"page_size": 100})
        response = case.call_and_validate(headers=PLAIN, checks=CHECKS)

        assert None in [item["territory"] for item in response.json()["results"]], path


def test_a_conditional_question_matches_its_schema(tokens):
    from contributions.models import Question

    question = Question.objects.filter(condition_choice__isnull=False).first()
    case = schema["/api/v1/questionnaires/{slug}/"]["GET"].Case(
        path_parameters={"slug": question.questionnaire.slug}
    )

    response = case.call_and_validate(headers=PLAIN, checks=CHECKS)

    conditions = [q["condition"] for q in response.json()["questions"] if q["condition"]]
    assert {"choice": question.condition_choice_id} in conditions
