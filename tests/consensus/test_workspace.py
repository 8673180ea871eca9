"""The COPIL's pages: paper tallies (line, CSV, template) and the statements' moderation."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consensus.models import PaperTally
from egts.moderation import ModerationStatus
from tests.factories.consensus import StatementFactory, territory

from .conftest import make_user

pytestmark = pytest.mark.django_db

PAGE = reverse("consensus:paper-votes", kwargs={"slug": "grand-sud"})
TEMPLATE = reverse("consensus:paper-votes-template", kwargs={"slug": "grand-sud"})
MODERATION = reverse("consensus:moderation")


def signed_in(client, who: str):
    user = make_user(who)
    if user is not None:
        client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("participant", 403),
        ("copil_other", 403),
        ("copil_member", 200),
        ("copil_lead", 200),
        ("national", 403),
    ],
)
def test_paper_votes_page_role_matrix(client, who, expected):
    signed_in(client, who)
    assert client.get(PAGE).status_code == expected
    assert client.get(TEMPLATE).status_code == expected


def test_a_line_is_entered_from_the_form(client):
    statement = StatementFactory(published=True)
    signed_in(client, "copil_member")
    response = client.post(
        PAGE,
        {
            "statement": statement.pk,
            "actor_category": "usagers",
            "agree": "9",
            "disagree": "2",
            "passed": "0",
            "held_on": "2014-03-20",
        },
        follow=True,
    )
    assert "1 ligne(s) enregistrée(s)." in response.content.decode()
    tally = PaperTally.objects.get()
    assert (tally.agree, tally.disagree, tally.passed) == (9, 2, 0)


def test_a_wrong_line_is_shown_again_with_its_message(client):
    statement = StatementFactory(published=True)
    signed_in(client, "copil_member")
    response = client.post(
        PAGE,
        {"statement": statement.pk, "actor_category": "usagers", "agree": "-3", "held_on": "x"},
    )
    assert response.status_code == 400
    form = response.context["line_form"]
    assert set(form.errors) == {"agree", "disagree", "passed", "held_on"}
    assert form["actor_category"].value() == "usagers"
    assert PaperTally.objects.count() == 0


def test_another_territorys_statement_is_not_offered(client):
    StatementFactory(published=True, territory=territory("grand-nord"))
    own = StatementFactory(published=True)
    signed_in(client, "copil_member")
    offered = list(client.get(PAGE).context["line_form"].fields["statement"].queryset)
    assert offered == [own]


def test_the_template_lists_the_statements_and_imports_back(client):
    statement = StatementFactory(published=True)
    signed_in(client, "copil_member")
    content = client.get(TEMPLATE).content.decode("utf-8-sig")
    header, line = content.splitlines()[:2]
    assert header == "statement;actor_category;agree;disagree;pass;held_on;text"
    assert line.startswith(f"{statement.pk};;;;;")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    rows[1][1:6] = ["elus", "5", "1", "0", "2014-03-20"]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    filled = out.getvalue()
    upload = SimpleUploadedFile("votes.csv", filled.encode("utf-8"))
    response = client.post(PAGE, {"import": "1", "file": upload}, follow=True)
    assert "1 ligne(s) enregistrée(s)." in response.content.decode()
    assert PaperTally.objects.get().actor_category == "elus"


def test_a_faulty_csv_names_its_lines_and_saves_nothing(client):
    statement = StatementFactory(published=True)
    signed_in(client, "copil_member")
    text = (
        "statement;actor_category;agree;disagree;pass;held_on\n"
        f"{statement.pk};elus;5;1;0;2014-03-20\n"
        f"{statement.pk};martiens;5;1;0;2014-03-20\n"
    )
    upload = SimpleUploadedFile("votes.csv", text.encode("utf-8"))
    response = client.post(PAGE, {"import": "1", "file": upload})
    assert response.status_code == 400
    assert [item["line"] for item in response.context["faulty"]] == [2]
    assert "Ligne 2" in response.content.decode()
    assert PaperTally.objects.count() == 0


@pytest.mark.parametrize("who", ["copil_other", "copil_member", "national"])
def test_moderation_page_lists_only_what_the_user_may_moderate(client, who):
    south = StatementFactory()
    north = StatementFactory(territory=territory("grand-nord"))
    signed_in(client, who)
    listed = [statement for statement, _form in client.get(MODERATION).context["items"]]
    expected = {"copil_other": [north], "copil_member": [south], "national": [south, north]}[who]
    assert listed == expected


@pytest.mark.parametrize("who", ["anonymous", "participant"])
def test_moderation_page_is_closed_to_the_public(client, who):
    signed_in(client, who)
    assert client.get(MODERATION).status_code in (302, 403)


def test_moderation_page_publishes_and_refuses_another_territorys_statement(client):
    south = StatementFactory()
    north = StatementFactory(territory=territory("grand-nord"))
    signed_in(client, "copil_member")
    refused = client.post(MODERATION, {"statement": north.pk, f"s{north.pk}-decision": "publish"})
    assert refused.status_code == 403
    north.refresh_from_db()
    assert north.status == ModerationStatus.PENDING
    client.post(MODERATION, {"statement": south.pk, f"s{south.pk}-decision": "publish"})
    south.refresh_from_db()
    assert south.status == ModerationStatus.PUBLISHED


def test_rejecting_without_a_reason_keeps_the_form_with_its_message(client):
    south = StatementFactory()
    signed_in(client, "copil_member")
    response = client.post(MODERATION, {"statement": south.pk, f"s{south.pk}-decision": "reject"})
    assert response.status_code == 400
    assert "reason" in dict(response.context["items"])[south].errors
    south.refresh_from_db()
    assert south.status == ModerationStatus.PENDING
