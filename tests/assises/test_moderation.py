"""The moderation queue, bulk decisions, the log and the Moderation section of the API."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from contributions.models import Contribution
from egts.moderation import ModerationDecision, ModerationStatus
from practices.models import Practice
from tests.factories.contributions import ContributionFactory, department
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "other_copil", "member", "facilitator", "lead", "national"]
QUEUE = "/espace/grand-sud/moderation/"


def _login(client, roles, role):
    if roles[role] is not None:
        client.force_login(roles[role])
    return client


def _statuses():
    return sorted(Contribution.objects.values_list("status", flat=True)) + sorted(
        Practice.objects.values_list("status", flat=True)
    )


@pytest.fixture
def items():
    old = timezone.now() - datetime.timedelta(days=3)
    return {
        "c1": ContributionFactory(title="Plus ancienne", submitted_at=old),
        "c2": ContributionFactory(
            title="Récente", body="Écrivez-moi à jean@exemple.fr merci.", flags=["email"]
        ),
        "p1": PracticeFactory(title="Pratique du milieu", submitted_at=old + datetime.timedelta(1)),
        "foreign": ContributionFactory(title="Ailleurs", department=department("33")),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("participant", 404),
        ("other_copil", 404),
        ("member", 200),
        ("facilitator", 403),
        ("lead", 200),
        ("national", 200),
    ],
)
def test_queue_page_role_matrix(client, roles, items, role, expected):
    response = _login(client, roles, role).get(QUEUE)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    assert response.status_code == expected
    if expected == 200:
        titles = [row["title"] for row in response.context["rows"]]
        assert titles == ["Plus ancienne", "Pratique du milieu", "Récente"]


def test_queue_filters_by_type_and_flags(client, roles, items):
    client.force_login(roles["member"])
    response = client.get(QUEUE, {"type": "practice"})
    assert [r["title"] for r in response.context["rows"]] == ["Pratique du milieu"]
    response = client.get(QUEUE, {"signales": "1"})
    rows = response.context["rows"]
    assert [r["title"] for r in rows] == ["Récente"]
    assert rows[0]["flag_labels"] == ["Contient une adresse électronique"]


def test_national_queue_filters_by_territory(client, roles, items):
    ContributionFactory(title="Sans territoire", national=True)
    client.force_login(roles["national"])
    url = reverse("assises:national-queue")
    assert len(client.get(url).context["rows"]) == 5
    response = client.get(url, {"territoire": "national"})
    assert [r["title"] for r in response.context["rows"]] == ["Sans territoire"]
    response = client.get(url, {"territoire": "sud-ouest"})
    assert [r["title"] for r in response.context["rows"]] == ["Ailleurs"]


def test_national_queue_is_for_the_national_team(client, roles):
    client.force_login(roles["lead"])
    assert client.get(reverse("assises:national-queue")).status_code == 403


def _bulk(items, decision="publish", **extra):
    return {
        "items": [f"contribution:{items['c1'].pk}", f"practice:{items['p1'].pk}"],
        "decision": decision,
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_bulk_publish_role_matrix(client, roles, items, role):
    before = _statuses()
    response = _login(client, roles, role).post(QUEUE, _bulk(items))
    if role in ("member", "lead", "national"):
        assert response.status_code == 302
        assert Contribution.objects.get(pk=items["c1"].pk).status == ModerationStatus.PUBLISHED
        assert Practice.objects.get(pk=items["p1"].pk).status == ModerationStatus.PUBLISHED
        assert ModerationDecision.objects.count() == 2
        return
    expected = {"anonymous": 302, "participant": 404, "other_copil": 404, "facilitator": 403}
    assert response.status_code == expected[role]
    assert _statuses() == before
    assert ModerationDecision.objects.count() == 0


def test_bulk_reject_needs_a_reason_and_a_message(client, roles, items):
    client.force_login(roles["lead"])
    response = client.post(QUEUE, _bulk(items, decision="reject"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason": ["Indiquez le motif du refus."],
        "message": ["Écrivez le message envoyé aux auteurs."],
    }
    assert _statuses() == ["pending"] * 4


def test_bulk_reject_sends_one_reason_to_every_author(
    client, roles, items, django_capture_on_commit_callbacks
):
    client.force_login(roles["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            QUEUE,
            _bulk(items, decision="reject", reason="off_topic", message="Hors du champ des EGTS."),
        )
    decided = [Contribution.objects.get(pk=items["c1"].pk), Practice.objects.get(pk=items["p1"].pk)]
    for item in decided:
        assert (item.status, item.moderation_reason, item.moderation_message) == (
            ModerationStatus.REJECTED,
            "off_topic",
            "Hors du champ des EGTS.",
        )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([items["c1"].author.email, items["p1"].author.email])
    assert all("Hors du champ des EGTS." in m.body for m in mail.outbox)
    log = ModerationDecision.objects.order_by("id")
    assert [(e.decision, e.reason, e.decided_by) for e in log] == [
        ("reject", "off_topic", roles["lead"]),
        ("reject", "off_topic", roles["lead"]),
    ]


def test_bulk_with_an_item_of_another_territory_changes_nothing(client, roles, items):
    client.force_login(roles["lead"])
    data = _bulk(items)
    data["items"].append(f"contribution:{items['foreign'].pk}")
    response = client.post(QUEUE, data)
    assert response.status_code == 403
    assert _statuses() == ["pending"] * 4
    assert ModerationDecision.objects.count() == 0


def test_bulk_with_a_forged_selection_is_reported(client, roles, items):
    client.force_login(roles["lead"])
    response = client.post(QUEUE, {"items": ["contribution:abc"], "decision": "publish"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Sélection invalide."]


def test_queue_query_count_does_not_grow_with_items(client, roles, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(roles["member"])
    ContributionFactory()
    client.get(QUEUE)  # warm the session and the roles cache
    with CaptureQueriesContext(connection) as one:
        client.get(QUEUE)
    for _ in range(49):
        ContributionFactory()
    PracticeFactory()
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(QUEUE)
    assert len(response.context["rows"]) == 51
    assert len(fifty) == len(one)


def test_log_page_and_csv_export_are_scoped(client, roles, items):
    client.force_login(roles["national"])
    client.post(QUEUE, _bulk(items))
    other = reverse("assises:national-queue")
    client.post(
        other,
        {
            "items": [f"contribution:{items['foreign'].pk}"],
            "decision": "reject",
            "reason": "spam",
            "message": "Publicité.",
        },
    )
    client.force_login(roles["member"])
    response = client.get(reverse("assises:log", args=["grand-sud"]))
    assert {e.item_title for e in response.context["page_obj"]} == {
        "Plus ancienne",
        "Pratique du milieu",
    }
    response = client.get(reverse("assises:log-csv", args=["grand-sud"]))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0] == [
        "Date",
        "Territoire",
        "Code du territoire",
        "Type",
        "Identifiant",
        "Titre",
        "Décision",
        "Motif",
        "Message",
        "Par",
    ]
    from contributions.models import Contribution
    from egts.moderation import Decision
    from practices.models import Practice

    published = str(Decision.PUBLISH.label)
    by = roles["national"].email
    assert sorted((r[1], r[2], r[3], r[5], r[6], r[9]) for r in rows[1:]) == sorted(
        [
            (
                "Grand Sud",
                "grand-sud",
                Contribution._meta.verbose_name,
                "Plus ancienne",
                published,
                by,
            ),
            (
                "Grand Sud",
                "grand-sud",
                Practice._meta.verbose_name,
                "Pratique du milieu",
                published,
                by,
            ),
        ]
    )
    client.force_login(roles["other_copil"])
    assert client.get(reverse("assises:log-csv", args=["grand-sud"])).status_code == 404


# ---- API -----------------------------------------------------------------------------------


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
def test_api_queue_matrix(roles, items, role, status):
    response = api(roles, role).get("/api/v1/moderation/", {"territory": "grand-sud"})
    assert response.status_code == status
    if status == 200:
        results = response.json()["results"]
        assert [(r["type"], r["title"]) for r in results] == [
            ("contribution", "Plus ancienne"),
            ("practice", "Pratique du milieu"),
            ("contribution", "Récente"),
        ]
        assert results[2] == {
            "type": "contribution",
            "id": items["c2"].pk,
            "title": "Récente",
            "territory": "grand-sud",
            "submitted_at": results[2]["submitted_at"],
            "flags": ["email"],
            "near_copies": [],
        }


def test_api_queue_without_territory_lists_the_callers_territories(roles, items):
    results = api(roles, "member").get("/api/v1/moderation/", {"type": "contribution"}).json()
    assert [r["title"] for r in results["results"]] == ["Plus ancienne", "Récente"]


def test_api_queue_rejects_unknown_filters(roles):
    response = api(roles, "national").get("/api/v1/moderation/", {"type": "poll"})
    assert response.status_code == 400
    assert list(response.json()) == ["type"]
    response = api(roles, "national").get("/api/v1/moderation/", {"territory": "atlantide"})
    assert response.status_code == 404


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
def test_api_log_matrix(client, roles, items, role, status):
    client.force_login(roles["lead"])
    client.post(QUEUE, _bulk(items, decision="reject", reason="duplicate", message="Doublon."))
    response = api(roles, role).get("/api/v1/moderation/log/", {"territory": "grand-sud"})
    assert response.status_code == status
    if status == 200:
        entries = response.json()["results"]
        assert sorted((e["type"], e["id"]) for e in entries) == sorted(
            [("contribution", items["c1"].pk), ("practice", items["p1"].pk)]
        )
        entry = entries[0]
        assert set(entry) == {
            "type",
            "id",
            "title",
            "territory",
            "decision",
            "reason",
            "message",
            "by",
            "at",
        }
        assert (entry["decision"], entry["reason"], entry["message"], entry["by"]) == (
            "reject",
            "duplicate",
            "Doublon.",
            roles["lead"].email,
        )
