"""GET/POST /api/v1/statements/ and the statements' moderation, line by line of API.md."""

import pytest
from rest_framework.test import APIClient

from consensus.models import Statement
from egts.moderation import ModerationDecision, ModerationStatus
from tests.factories.consensus import StatementFactory, territory

from .conftest import ROLES

pytestmark = pytest.mark.django_db

URL = "/api/v1/statements/"


def test_list_shows_published_statements_only_with_the_contract_fields():
    published = StatementFactory(published=True, source_type="hypothesis", source_id=7)
    StatementFactory()  # pending
    StatementFactory(status=ModerationStatus.REJECTED)
    response = APIClient().get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["results"] == [
        {
            "id": published.pk,
            "text": published.text,
            "theme": "T1",
            "policy": None,
            "territory": "grand-sud",
            "source": {"type": "hypothesis", "id": 7},
            "published_at": response.json()["results"][0]["published_at"],
        }
    ]
    assert "author" not in response.json()["results"][0]


def test_list_filters_by_territory_keeping_national_statements_and_by_theme():
    south = StatementFactory(published=True)
    national = StatementFactory(published=True, national=True)
    StatementFactory(published=True, territory=territory("grand-nord"))
    listed = APIClient().get(URL, {"territory": "grand-sud"}).json()["results"]
    ids = {item["id"] for item in listed}
    assert ids == {south.pk, national.pk}
    assert APIClient().get(URL, {"theme": "T2"}).json()["count"] == 0
    assert APIClient().get(URL, {"theme": "T1"}).json()["count"] == 3


@pytest.mark.parametrize(("param", "value"), [("territory", "nulle-part"), ("theme", "T9")])
def test_list_refuses_unknown_codes(param, value):
    response = APIClient().get(URL, {param: value})
    assert response.status_code == 400
    assert param in response.json()


def test_list_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    StatementFactory(published=True)
    with django_assert_max_num_queries(3) as one:
        APIClient().get(URL)
    StatementFactory.create_batch(49, published=True)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert APIClient().get(URL).json()["count"] == 50


BODY = {"text": "Le secret partagé doit être mieux encadré.", "theme": "T2"}


@pytest.mark.parametrize(
    ("who", "expected_status", "body_territory"),
    [
        ("participant", "pending", "grand-sud"),
        ("copil_other", "pending", "grand-sud"),
        ("copil_member", "published", "grand-sud"),
        ("copil_lead", "published", "grand-sud"),
        ("national", "published", "grand-sud"),
        ("national", "published", None),
        ("copil_member", "pending", None),  # a national statement is the national team's
    ],
)
def test_create_is_pending_for_participants_published_in_own_scope(
    api_as, who, expected_status, body_territory
):
    client = api_as(who)
    response = client.post(URL, {**BODY, "territory": body_territory}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == expected_status
    statement = Statement.objects.get(pk=response.json()["id"])
    assert statement.status == expected_status
    assert statement.author == client.user
    assert statement.territory_id == (territory(body_territory).pk if body_territory else None)
    expected_source = "team" if expected_status == "published" else "author"
    assert response.json()["source"] == {"type": expected_source, "id": None}


def test_create_needs_an_account():
    response = APIClient().post(URL, BODY, format="json")
    assert response.status_code == 401
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "Trop court", "theme": "T1"}, None),  # exactly 10 characters: accepted
        ({"text": "Court", "theme": "T1"}, "text"),
        ({"text": "x" * 281, "theme": "T1"}, "text"),
        ({"text": "Un énoncé correct.", "theme": "T9"}, "theme"),
        ({"text": "Un énoncé correct.", "theme": "T1", "policy": "P9"}, "policy"),
        ({"text": "Un énoncé correct.", "theme": "T1", "territory": "x"}, "territory"),
        ({"text": "Un énoncé correct.", "theme": "T1", "source": {"type": "rumeur"}}, "source"),
        ({"text": "Un énoncé correct.", "theme": "T1", "source": "hypothesis"}, "source"),
        ({"text": "Un énoncé correct."}, "theme"),
        ({"text": ["liste"], "theme": "T1"}, "text"),
    ],
)
def test_create_bad_input_answers_400_and_saves_nothing(api_as, body, field):
    response = api_as("participant").post(URL, body, format="json")
    if field is None:
        assert response.status_code == 201
        return
    assert response.status_code == 400
    assert field in response.json()
    assert Statement.objects.count() == 0


def test_a_participant_cannot_link_a_statement_to_a_hypothesis(api_as):
    body = {**BODY, "territory": "grand-sud", "source": {"type": "hypothesis", "id": 1}}
    response = api_as("participant").post(URL, body, format="json")
    assert response.status_code == 400
    assert "source" in response.json()
    assert Statement.objects.count() == 0


def test_national_team_links_a_statement_to_an_existing_hypothesis_only(api_as):
    from assises.models import Hypothesis

    hypothesis = Hypothesis.objects.create(statement="Hypothèse.", theme_id="T1", policy_id="P1")
    client = api_as("national")
    unknown = {**BODY, "source": {"type": "hypothesis", "id": 99999}}
    missing = client.post(URL, unknown, format="json")
    assert missing.status_code == 400
    found = client.post(
        URL, {**BODY, "source": {"type": "hypothesis", "id": hypothesis.pk}}, format="json"
    )
    assert found.status_code == 201
    assert found.json()["source"] == {"type": "hypothesis", "id": hypothesis.pk}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("participant", 403),
        ("copil_other", 403),
        ("copil_member", 200),
        ("copil_lead", 200),
        ("national", 200),
    ],
)
def test_moderation_role_matrix(api_as, who, expected):
    statement = StatementFactory()  # Grand Sud, pending
    response = api_as(who).post(
        f"{URL}{statement.pk}/moderation/", {"decision": "publish"}, format="json"
    )
    assert response.status_code == expected
    statement.refresh_from_db()
    if expected == 200:
        assert response.json() == {"id": statement.pk, "status": "published"}
        assert statement.status == ModerationStatus.PUBLISHED
        assert ModerationDecision.objects.get().decided_by is not None
    else:
        assert statement.status == ModerationStatus.PENDING
        assert ModerationDecision.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"decision": "reject"}, "reason"),
        ({"decision": "reject", "reason": "inconnu"}, "reason"),
        ({"decision": "request_changes"}, "decision"),
        ({"decision": "effacer"}, "decision"),
        ({}, "decision"),
    ],
)
def test_moderation_bad_input_answers_400_and_changes_nothing(api_as, payload, field):
    statement = StatementFactory()
    response = api_as("copil_member").post(
        f"{URL}{statement.pk}/moderation/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    statement.refresh_from_db()
    assert statement.status == ModerationStatus.PENDING


@pytest.mark.parametrize("pk", ["999999", "abc", "1" * 30])
def test_moderation_of_unknown_statement_is_404(api_as, pk):
    assert api_as("national").post(f"{URL}{pk}/moderation/", {}, format="json").status_code == 404


def test_reject_keeps_reason_and_logs_it(api_as):
    statement = StatementFactory()
    response = api_as("copil_lead").post(
        f"{URL}{statement.pk}/moderation/",
        {"decision": "reject", "reason": "off_topic", "message": "Hors sujet."},
        format="json",
    )
    assert response.json()["status"] == "rejected"
    decision = ModerationDecision.objects.get()
    assert (decision.reason, decision.to_status, decision.territory_id) == (
        "off_topic",
        "rejected",
        statement.territory_id,
    )


@pytest.mark.parametrize("who", ROLES)
def test_pending_queue_shows_only_what_the_caller_may_moderate(api_as, who):
    south = StatementFactory()
    north = StatementFactory(territory=territory("grand-nord"))
    national = StatementFactory(national=True)
    StatementFactory(published=True)
    response = api_as(who).get(URL, {"status": "pending"})
    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["results"]}
    expected = {
        "anonymous": set(),
        "participant": set(),
        "copil_other": {north.pk},
        "copil_member": {south.pk},
        "copil_lead": {south.pk},
        "national": {south.pk, north.pk, national.pk},
    }[who]
    assert ids == expected


def test_unknown_status_filter_is_400():
    assert APIClient().get(URL, {"status": "rejected"}).status_code == 400
