"""Statements proposed by participants wait in the same moderation queue as contributions
and practices, per territory: the HTML queue, its bulk decisions, and /api/v1/moderation/."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from consensus.models import Statement
from egts.models import Territory
from egts.moderation import ModerationDecision, ModerationStatus
from tests.factories.consensus import StatementFactory
from tests.factories.contributions import ContributionFactory

pytestmark = pytest.mark.django_db

QUEUE = "/espace/grand-sud/moderation/"
API = "/api/v1/moderation/"
TEXT = "Les personnes accompagnées doivent pouvoir choisir leur référent."


@pytest.fixture
def statements():
    return {
        "here": StatementFactory(text=TEXT, author__email="autrice@exemple.fr"),
        "elsewhere": StatementFactory(
            text="Un énoncé proposé dans un autre territoire.",
            territory=Territory.objects.exclude(slug="grand-sud").first(),
        ),
    }


def api(roles, role):
    client = APIClient()
    if roles[role] is not None:
        client.force_authenticate(roles[role])
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("participant", 403),
        ("other_copil", 403),
        ("member", 200),
        ("facilitator", 403),
        ("lead", 200),
        ("national", 200),
    ],
)
def test_api_queue_lists_the_territorys_proposed_statements(roles, statements, role, status):
    ContributionFactory(title="Une contribution")
    response = api(roles, role).get(API, {"territory": "grand-sud"})
    assert response.status_code == status
    if status != 200:
        return
    results = response.json()["results"]
    assert sorted((r["type"], r["title"]) for r in results) == [
        ("contribution", "Une contribution"),
        ("statement", TEXT),
    ]
    only = api(roles, role).get(API, {"territory": "grand-sud", "type": "statement"}).json()
    assert [(r["type"], r["id"], r["territory"]) for r in only["results"]] == [
        ("statement", statements["here"].pk, "grand-sud")
    ]


def test_another_territorys_copil_never_sees_the_statement(roles, statements):
    results = api(roles, "other_copil").get(API, {"type": "statement"}).json()["results"]
    assert statements["here"].pk not in {r["id"] for r in results}
    assert TEXT not in str(results)


def test_html_queue_shows_the_statement_with_a_link_to_decide_it(client, roles, statements):
    client.force_login(roles["member"])
    response = client.get(QUEUE, {"type": "statement"})
    assert response.status_code == 200
    page = response.content.decode()
    assert TEXT in page
    assert f'value="statement:{statements["here"].pk}"' in page
    assert f'href="/consensus/espace/moderation/#statement-{statements["here"].pk}"' in page
    assert "Un énoncé proposé dans un autre territoire." not in page


def test_bulk_publish_from_the_queue_publishes_and_tells_the_author(
    client, roles, statements, django_capture_on_commit_callbacks
):
    client.force_login(roles["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE, {"items": [f"statement:{statements['here'].pk}"], "decision": "publish"}
        )
    assert response.status_code == 302
    statement = Statement.objects.get(pk=statements["here"].pk)
    assert statement.status == ModerationStatus.PUBLISHED
    assert ModerationDecision.objects.get().object_id == statement.pk
    (sent,) = mail.outbox
    assert sent.to == ["autrice@exemple.fr"]
    assert sent.subject == "[EGTS] Votre énoncé est publié"
    assert TEXT in sent.body


def test_bulk_reject_tells_the_author_why(
    client, roles, statements, django_capture_on_commit_callbacks
):
    client.force_login(roles["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE,
            {
                "items": [f"statement:{statements['here'].pk}"],
                "decision": "reject",
                "reason": "duplicate",
                "message": "Un énoncé très proche est déjà soumis au vote.",
            },
        )
    assert response.status_code == 302
    assert Statement.objects.get(pk=statements["here"].pk).status == ModerationStatus.REJECTED
    (sent,) = mail.outbox
    assert sent.subject == "[EGTS] Votre énoncé n'a pas été publié"
    assert "Un énoncé très proche est déjà soumis au vote." in sent.body


def test_a_selection_with_another_territorys_statement_changes_nothing(client, roles, statements):
    client.force_login(roles["lead"])
    response = client.post(
        QUEUE,
        {
            "items": [
                f"statement:{statements['here'].pk}",
                f"statement:{statements['elsewhere'].pk}",
            ],
            "decision": "publish",
        },
    )
    assert response.status_code == 403
    assert set(Statement.objects.values_list("status", flat=True)) == {ModerationStatus.PENDING}
    assert not ModerationDecision.objects.exists()
    assert not mail.outbox


def test_a_statement_decided_through_the_api_tells_its_author_too(
    roles, statements, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(roles, "lead").post(
            f"/api/v1/statements/{statements['here'].pk}/moderation/",
            {"decision": "publish"},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert [m.subject for m in mail.outbox] == ["[EGTS] Votre énoncé est publié"]
