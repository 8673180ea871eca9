"""Script and attribute injection through every text field, on every page that shows it.

Each payload is stored the way the platform stores text (services, factories), then the
public and back-office pages, the PDFs and the CSV exports that show it are fetched:
nothing may become markup (no script, no handler, no injected element), detail pages must
show the text escaped, the minutes' rich text is sanitised by nh3, PDFs print the text
literally and CSV cells cannot start a spreadsheet formula.
"""

import csv
import io
from html import escape
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from assises.models import Meeting, ProposalStatus
from assises.services.groups import meeting_save
from contributions.services import contribution_moderate
from egts.csv_export import FORMULA_PREFIXES, safe_cell
from egts.models import Role
from tests.factories.assises import MeetingFactory, ProposalFactory, WorkingGroupFactory
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import copil_member
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "script": '<script>alert("egts")</script>',
    "element": '"><img src=x onerror=alert(1)>',
    "attribute": "' onmouseover='alert(2)' data-x='",
}


class _Active(HTMLParser):
    """What would run in a browser: inline scripts, handlers, javascript: URLs, the <img>."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.found.append("inline <script>")
        if tag == "img" and attributes.get("src") == "x":
            self.found.append("injected <img>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:>")
            if name == "data-x":
                self.found.append(f"<{tag}> gained an attribute")


def assert_inert(response, payload: str | None = None, *, shown: bool = True) -> str:
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    parser = _Active()
    parser.feed(page)
    assert parser.found == []
    if payload is not None and shown:
        assert escape(payload) in page
    return page


def test_the_check_finds_each_payload_left_unescaped():
    parser = _Active()
    parser.feed(f"<h1>{PAYLOADS['script']}</h1><p>{PAYLOADS['element']}</p>")
    parser.feed(f"<a title='{PAYLOADS['attribute']}' href='javascript:alert(3)'>x</a>")
    assert parser.found == [
        "inline <script>",
        "injected <img>",
        "<img onerror>",
        "<a onmouseover>",
        "<a> gained an attribute",
        "<a href=javascript:>",
    ]


@pytest.fixture
def lead(client):
    user = copil_member("grand-sud", role=Role.COPIL_LEAD)
    return user


# --- Contributions ------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_contribution_text_is_escaped_on_public_pages(client, payload):
    contribution = ContributionFactory(
        published=True, title=f"Titre {payload}", body=f"Un texte assez long {payload}"
    )

    assert_inert(client.get(f"/contributions/{contribution.pk}/"), payload)
    assert_inert(client.get("/contributions/"), payload)
    client.force_login(contribution.author)
    assert_inert(client.get("/compte/mes-contributions/"), payload)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_contribution_text_is_escaped_in_the_back_office(client, lead, payload):
    contribution = ContributionFactory(
        title=f"Titre {payload}", body=f"Un texte assez long {payload}"
    )
    client.force_login(lead)

    assert_inert(client.get("/espace/grand-sud/moderation/"), payload)
    assert_inert(client.get(f"/contributions/{contribution.pk}/moderer/"), payload)


def test_contribution_submitted_through_the_form_is_stored_as_text_and_shown_escaped(client):
    author = copil_member("sud-ouest")
    client.force_login(author)
    payload = PAYLOADS["element"]
    client.post(
        "/contributions/contribuer/",
        {
            "kind": "observation",
            "title": f"Titre {payload}",
            "body": f"Un texte assez long pour la longueur minimale {payload}",
            "themes": ["T1"],
            "department": "13",
            "actor_category": "benevoles",
            "website": "",
        },
    )
    from contributions.models import Contribution

    stored = Contribution.objects.get()
    # Stored as typed: escaping happens at display, once.
    assert stored.title == f"Titre {payload}"
    assert_inert(client.get("/compte/mes-contributions/"), payload)


# --- Practices ----------------------------------------------------------------------------

PRACTICE_TEXT_FIELDS = [
    "title",
    "summary",
    "context",
    "people_concerned",
    "actors",
    "implementation",
    "results",
    "transfer_conditions",
    "organisation",
]


@pytest.mark.parametrize("field", PRACTICE_TEXT_FIELDS)
def test_every_practice_text_field_is_escaped_on_its_page_and_in_the_moderation_page(
    client, lead, field
):
    payload = PAYLOADS["element"] + PAYLOADS["script"]
    published = PracticeFactory(published=True, **{field: f"Texte {payload}"})
    pending = PracticeFactory(**{field: f"Texte {payload}"})

    assert_inert(client.get(f"/pratiques/{published.pk}/"), payload)
    assert_inert(client.get("/pratiques/"), payload, shown=field in ("title", "summary"))
    client.force_login(lead)
    assert_inert(client.get(f"/pratiques/{pending.pk}/moderer/"), payload)


def test_practice_sheet_pdf_prints_the_markup_as_text(client):
    practice = PracticeFactory(
        published=True,
        title="Fiche <script>alert(1)</script>",
        summary='Résumé "><img src=x onerror=alert(1)>',
    )

    response = client.get(f"/pratiques/{practice.pk}/sheet.pdf")

    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # Markup that reached WeasyPrint as markup would have vanished from the text.
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text


# --- Working groups and meeting minutes ---------------------------------------------------

DIRTY_MINUTES = (
    '<p onclick="alert(1)">Relevé de décisions</p><script>alert(2)</script>'
    '<a href="javascript:alert(3)">lien</a><img src=x onerror=alert(4)>'
    '<iframe src="https://piege.example"></iframe><p style="color:red">Suite</p>'
)


def test_minutes_are_sanitised_when_saved_and_shown_without_anything_active(client, lead):
    group = WorkingGroupFactory(facilitator=lead)
    meeting = MeetingFactory.build(group=group, minutes=DIRTY_MINUTES)
    meeting_save(meeting=meeting, recorded_by=lead)

    stored = Meeting.objects.get(pk=meeting.pk).minutes
    assert stored == ('<p>Relevé de décisions</p><a rel="noopener noreferrer">lien</a><p>Suite</p>')
    client.force_login(lead)
    page = assert_inert(client.get(f"/espace/reunions/{meeting.pk}/"))
    assert "<p>Relevé de décisions</p>" in page
    assert "iframe" not in page and "color:red" not in page


def test_minutes_posted_through_the_edit_form_are_sanitised(client, lead):
    group = WorkingGroupFactory(facilitator=lead)
    meeting = MeetingFactory(group=group)
    client.force_login(lead)
    form = client.get(f"/espace/reunions/{meeting.pk}/modifier/").context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, dict | list)
    }
    data.update(
        {
            "date": "2014-03-12",
            "place": "Marseille",
            "agenda": "Ordre du jour",
            "minutes": DIRTY_MINUTES,
        }
    )
    for name in form.fields:
        if name.startswith("attendance") or name.startswith("count_"):
            data.setdefault(name, 0)
        data.setdefault(name, "")

    client.post(f"/espace/reunions/{meeting.pk}/modifier/", data)

    minutes = Meeting.objects.get(pk=meeting.pk).minutes
    assert minutes.startswith("<p>Relevé de décisions</p>")
    assert "script" not in minutes and "onclick" not in minutes and "javascript" not in minutes
    assert_inert(client.get(f"/espace/reunions/{meeting.pk}/"))


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_meeting_and_group_plain_text_fields_are_escaped(client, lead, payload):
    group = WorkingGroupFactory(name=f"Groupe {payload}", facilitator=lead)
    meeting = MeetingFactory(group=group, place=f"Lieu {payload}", agenda=f"Ordre {payload}")
    client.force_login(lead)

    assert_inert(client.get(f"/espace/reunions/{meeting.pk}/"), payload)
    assert_inert(client.get(f"/espace/groupes/{group.pk}/"), payload)
    assert_inert(client.get("/espace/grand-sud/groupes/"), payload)


# --- Proposals ----------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_proposal_text_fields_are_escaped_in_the_back_office(client, lead, payload):
    proposal = ProposalFactory(
        title=f"Proposition {payload}",
        description=f"Description {payload}",
        owner=f"Porteur {payload}",
        indicators=f"Indicateurs {payload}",
        status=ProposalStatus.VALIDATED,
    )
    client.force_login(lead)

    assert_inert(client.get(f"/espace/propositions/{proposal.pk}/"), payload)
    assert_inert(client.get("/espace/grand-sud/propositions/"), payload)
    assert_inert(client.get("/espace/grand-sud/rapport/"), payload)


def test_report_pdf_prints_proposal_markup_as_text(client, lead):
    ProposalFactory(
        title="Proposition <script>alert(1)</script>",
        description='Description "><img src=x onerror=alert(1)>',
        status=ProposalStatus.VALIDATED,
    )
    client.force_login(lead)

    response = client.get("/espace/grand-sud/rapport/projet.pdf")

    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text


# --- CSV exports: formula injection -------------------------------------------------------


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_csv_cells_that_could_start_a_formula_are_quoted(prefix):
    assert safe_cell(f'{prefix}HYPERLINK("https://piege.example")').startswith("'")
    assert safe_cell("Un titre ordinaire") == "Un titre ordinaire"


def test_moderation_log_csv_neutralises_formulas_in_titles_and_messages(client, lead):
    contribution = ContributionFactory(title='=HYPERLINK("https://piege.example";"Cliquez")')
    contribution_moderate(
        contribution=contribution,
        moderator=lead,
        decision="reject",
        reason="off_topic",
        message="@SUM(1+1)*cmd|' /C calc'!A0",
    )
    client.force_login(lead)

    response = client.get("/espace/grand-sud/moderation/journal.csv")

    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    row = rows[1]
    assert row[rows[0].index("Titre")] == '\'=HYPERLINK("https://piege.example";"Cliquez")'
    assert row[rows[0].index("Message")] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert not any(cell.startswith(FORMULA_PREFIXES) for line in rows for cell in line)
