"""Every form that takes files, through one helper (egts/uploads.py).

- A file is stored under a random name with the extension of the type read from its bytes,
  and served as a download of that type that browsers may not sniff (a PDF carrying HTML,
  named ``evil.html``, never comes back as ``text/html``).
- A file too large, or a body far over the limit, never empties the form: what was typed
  is shown again and the refusal is written on the file's field. A body over the limit is
  refused without being read in full.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assises.models import MeetingDocument, OfflineEntry
from documents.models import Document
from egts.models import Role
from egts.uploads import MAX_REQUEST_SIZE
from practices.models import PracticeAttachment
from tests.factories.assises import WorkingGroupFactory
from tests.factories.egts import copil_member, national_team_member
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"
HTML_PAGE = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
MB = 1024 * 1024


@dataclass
class UploadForm:
    """One upload form of the platform: where it is, what one types in it, where files go."""

    name: str
    setup: Callable[[object], str]  # logs a user in, returns the form's URL
    typed: dict  # the fields one types, each shown again after an error
    file_field: str
    model: type
    ok_status: int = 302
    invalid_status: int = 400


def _document_form(client) -> str:
    client.force_login(national_team_member())
    return reverse("documents:create")


def _meeting_form(client) -> str:
    facilitator = copil_member("grand-sud", role=Role.FACILITATOR)
    group = WorkingGroupFactory(facilitator=facilitator)
    client.force_login(facilitator)
    return reverse("assises:meeting-create", args=[group.pk])


def _practice_form(client) -> str:
    practice = PracticeFactory(draft=True, contact_email="")
    client.force_login(practice.author)
    return reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 4})


def _offline_import_form(client) -> str:
    client.force_login(copil_member("grand-sud", role=Role.COPIL_LEAD))
    return reverse("assises:offline-import", args=["grand-sud"])


FORMS = [
    UploadForm(
        "documents",
        _document_form,
        {
            "title": "Étude tapée à la main",
            "kind": "study",
            "author": "Observatoire régional tapé",
            "date": "2014-02-03",
            "summary": "Un résumé de plusieurs lignes que personne ne veut retaper.",
            "url": "",
        },
        "file_upload",
        Document,
    ),
    UploadForm(
        "meeting",
        _meeting_form,
        {
            "date": "2014-03-12",
            "place": "Salle du conseil tapée",
            "agenda": "Ordre du jour tapé à la main",
            "minutes": "<p>Relevé de décisions tapé</p>",
            "attendance_professionnels": "17",
        },
        "documents",
        MeetingDocument,
        invalid_status=200,
    ),
    UploadForm(
        "practice",
        _practice_form,
        {"contact_email": "contact.tape@structure.example", "action": "save"},
        "file",
        PracticeAttachment,
    ),
]
OFFLINE = UploadForm("offline", _offline_import_form, {}, "file", OfflineEntry)


def post(client, url: str, typed: dict, field: str, upload) -> object:
    """As a browser sends it: the typed fields first, the file last (forms render it last)."""
    return client.post(url, {**typed, field: upload})


def field_errors(html: str, field: str) -> str:
    """The text of the error block DSFR writes under one field."""
    match = re.search(rf'id="id_{field}-desc-error">(.*?)</div>', html, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def assert_typed_fields_shown(html: str, typed: dict) -> None:
    for name, value in typed.items():
        if name == "action" or value == "":
            continue
        if name in ("summary", "agenda", "minutes"):
            assert f">{value}</textarea>" in html or value in unescape(html), name
        else:
            assert f'name="{name}" value="{value}"' in html or (
                f'value="{value}"' in html and f'name="{name}"' in html
            ), name


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_the_file_input_comes_last_so_a_refused_body_keeps_every_typed_field(client, form):
    html = client.get(form.setup(client)).content.decode()
    form_html = html[html.index('enctype="multipart/form-data"') :]
    form_html = form_html[: form_html.index("</form>")]
    names = re.findall(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"', form_html)
    assert names[-1] == form.file_field, names


# --- Stored under a generated name, served as the detected type ----------------------------


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_pdf_named_evil_html_is_stored_and_served_as_a_pdf_download(client, form):
    url = form.setup(client)

    response = post(
        client, url, form.typed, form.file_field, SimpleUploadedFile("evil.html", POLYGLOT)
    )

    assert response.status_code == form.ok_status, field_errors(
        response.content.decode(), form.file_field
    )
    stored = form.model.objects.get()
    assert re.fullmatch(r".+/[0-9a-f]{32}\.pdf", stored.file.name), stored.file.name
    assert "evil" not in stored.file.name
    download = client.get(
        stored.download_url
        if form.name == "documents"
        else reverse("assises:meeting-document", args=[stored.pk])
        if form.name == "meeting"
        else stored.get_absolute_url()
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="evil.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == POLYGLOT


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_type_off_the_list_is_refused_on_its_field_and_nothing_is_stored(client, form):
    url = form.setup(client)

    response = post(
        client, url, form.typed, form.file_field, SimpleUploadedFile("rapport.pdf", HTML_PAGE)
    )

    assert response.status_code == form.invalid_status
    html = response.content.decode()
    assert "« rapport.pdf » n'est pas un document accepté (PDF, ODT, DOCX, PNG, JPEG)" in (
        field_errors(html, form.file_field)
    )
    assert_typed_fields_shown(html, form.typed)
    assert form.model.objects.count() == 0


def test_meeting_documents_kept_before_the_check_are_served_as_plain_downloads(client):
    """Rows stored before the type was recorded never come back under the type of their name."""
    from django.core.files.base import ContentFile

    from tests.factories.assises import MeetingFactory

    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    meeting = MeetingFactory(group=WorkingGroupFactory())
    document = MeetingDocument(meeting=meeting, name="evil.html", size=len(POLYGLOT))
    document.file.save("old", ContentFile(POLYGLOT), save=True)
    client.force_login(lead)

    download = client.get(reverse("assises:meeting-document", args=[document.pk]))

    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


# --- Too large: nothing typed is lost, the refusal is on the file's field --------------------


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_file_over_10_mb_is_refused_on_its_field_and_the_typed_fields_are_kept(client, form):
    url = form.setup(client)
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (11 * MB))

    response = post(client, url, form.typed, form.file_field, big)

    assert response.status_code == form.invalid_status
    html = response.content.decode()
    assert "« gros.pdf » dépasse 10 Mo (11,0 Mo)" in field_errors(html, form.file_field)
    assert_typed_fields_shown(html, form.typed)
    assert form.model.objects.count() == 0


@pytest.mark.parametrize("form", [*FORMS, OFFLINE], ids=lambda f: f.name)
def test_a_body_far_over_the_limit_is_not_read_in_full_and_the_typed_fields_are_kept(client, form):
    url = form.setup(client)
    huge = SimpleUploadedFile("enorme.pdf", b"%PDF-1.4\n" + b"0" * (MAX_REQUEST_SIZE + 8 * MB))

    response = post(client, url, form.typed, form.file_field, huge)

    assert response.status_code == 413
    # Reading stopped a little past 10 MB: most of the body was never read.
    unread = len(response.wsgi_request.META["wsgi.input"])
    assert unread > MAX_REQUEST_SIZE - 12 * MB, unread
    html = response.content.decode()
    assert "« enorme.pdf » dépasse 10 Mo : il n'a pas été reçu" in field_errors(
        html, form.file_field
    )
    assert_typed_fields_shown(html, form.typed)
    assert form.model.objects.count() == 0


def test_a_document_edit_keeps_what_was_typed_not_the_saved_values(client):
    from tests.factories.documents import DocumentFactory

    document = DocumentFactory(title="Titre enregistré")
    client.force_login(national_team_member())
    typed = {
        "title": "Titre modifié à la main",
        "kind": "report",
        "author": "DREES",
        "date": "2013-06-15",
        "summary": "Résumé réécrit.",
        "url": document.url,
    }
    huge = SimpleUploadedFile("enorme.pdf", b"%PDF-1.4\n" + b"0" * (MAX_REQUEST_SIZE + MB))

    response = post(
        client, reverse("documents:edit", args=[document.pk]), typed, "file_upload", huge
    )

    assert response.status_code == 413
    html = response.content.decode()
    assert 'value="Titre modifié à la main"' in html
    assert "Titre enregistré" not in html.split("<form", 1)[1]
    assert "dépasse 10 Mo : il n'a pas été reçu" in field_errors(html, "file_upload")
    document.refresh_from_db()
    assert document.title == "Titre enregistré"


def test_meeting_documents_over_30_mb_together_are_refused_on_their_field(client):
    url = _meeting_form(client)
    files = [SimpleUploadedFile(f"cr-{n}.pdf", b"%PDF-1.4\n" + b"0" * (9 * MB)) for n in range(4)]

    response = client.post(url, {**FORMS[1].typed, "documents": files})

    assert response.status_code == 413
    html = response.content.decode()
    assert "Vos fichiers dépassent 30 Mo à eux tous" in field_errors(html, "documents")
    assert_typed_fields_shown(html, FORMS[1].typed)
    assert MeetingDocument.objects.count() == 0
