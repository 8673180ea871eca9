"""Attachments: the type is read from the content; bad files are refused and nothing is lost."""

import io
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egts.uploads import clean_name, detect_content_type
from practices.models import PracticeAttachment
from tests.factories.practices import (
    PDF_BYTES,
    PNG_BYTES,
    PracticeAttachmentFactory,
    PracticeFactory,
)

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ODT_BYTES = _zip(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}
)
DOCX_BYTES = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, "application/pdf"),
        (PNG_BYTES, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
        (ODT_BYTES, "application/vnd.oasis.opendocument.text"),
        (
            DOCX_BYTES,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (EXECUTABLE, None),
        (_zip({"readme.txt": b"hello"}), None),
        (b"PK\x03\x04 not really a zip", None),
        (b"<html><script>alert(1)</script></html>", None),
    ],
)
def test_type_is_detected_from_the_content(content, expected):
    assert detect_content_type(_upload("anything.pdf", content)) == expected


@pytest.mark.parametrize(
    ("raw", "content_type", "expected"),
    [
        ("rapport final.pdf", "application/pdf", "rapport_final.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ('C:\\Users\\x\\photo "1".jpeg', "image/jpeg", "photo_1.jpg"),
        ("image.exe", "image/png", "image.png"),
        ("..", "application/pdf", "document.pdf"),
        ("a" * 300 + ".pdf", "application/pdf", "a" * 94 + ".pdf"),
    ],
)
def test_display_names_are_sanitised_and_end_with_the_real_extension(raw, content_type, expected):
    assert clean_name(raw, content_type) == expected


# --- Through the submission form (step 4) ---------------------------------------------------


def _step4(client, practice, **files):
    return client.post(
        reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 4}),
        {"contact_email": "nouveau@structure.example", "action": "save", **files},
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programme.pdf", EXECUTABLE, "n'est pas un document accepté"),
        ("gros.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "dépasse 10 Mo"),
        ("vide.pdf", b"", "est vide"),
    ],
)
def test_bad_file_is_refused_with_a_message_and_the_form_is_kept(client, name, content, message):
    practice = PracticeFactory(draft=True, contact_email="")
    client.force_login(practice.author)

    response = _step4(client, practice, file=_upload(name, content))

    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert message in html
    assert 'value="nouveau@structure.example"' in html
    assert PracticeAttachment.objects.count() == 0
    practice.refresh_from_db()
    assert practice.title.startswith("Accueil de jour partagé")


def test_a_sixth_file_is_refused_and_the_five_others_stay(client):
    practice = PracticeFactory(draft=True)
    PracticeAttachmentFactory.create_batch(5, practice=practice)
    client.force_login(practice.author)

    response = _step4(client, practice, file=_upload("sixieme.pdf", PDF_BYTES))

    assert response.status_code == 400
    assert "au plus 5 pièces jointes" in unescape(response.content.decode())
    assert PracticeAttachment.objects.filter(practice=practice).count() == 5


def test_a_good_file_is_stored_under_a_random_name(client):
    practice = PracticeFactory(draft=True)
    client.force_login(practice.author)

    response = _step4(client, practice, file=_upload("Compte rendu 2013.pdf", PDF_BYTES))

    assert response.status_code == 302
    attachment = PracticeAttachment.objects.get()
    assert attachment.name == "Compte_rendu_2013.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.file.name.startswith(f"practices/{practice.pk}/")
    assert "Compte" not in attachment.file.name


def test_download_is_an_attachment_with_the_detected_type_and_nosniff(client):
    attachment = PracticeAttachmentFactory(
        practice=PracticeFactory(published=True), name="bilan.pdf"
    )

    response = client.get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bilan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_files_of_an_unpublished_practice_are_hidden_from_the_public(client):
    attachment = PracticeAttachmentFactory(practice=PracticeFactory())

    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_author_removes_an_attachment(client):
    attachment = PracticeAttachmentFactory(practice=PracticeFactory(draft=True))
    client.force_login(attachment.practice.author)

    response = client.post(
        reverse(
            "practices:attachment-delete",
            kwargs={"pk": attachment.practice_id, "attachment_id": attachment.pk},
        )
    )

    assert response.status_code == 302
    assert PracticeAttachment.objects.count() == 0


# --- Through the API ------------------------------------------------------------------------


def _api_upload(client, practice, name, content):
    return client.post(
        reverse("api-practice-attachments", kwargs={"pk": practice.pk}),
        {"file": _upload(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programme.pdf", EXECUTABLE, "n'est pas un document accepté"),
        ("gros.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "dépasse 10 Mo"),
        ("vide.pdf", b"", "est vide"),
    ],
)
def test_api_refuses_bad_files_with_400(client, name, content, message):
    practice = PracticeFactory()
    client.force_login(practice.author)

    response = _api_upload(client, practice, name, content)

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert message in response.json()["file"][0]
    assert PracticeAttachment.objects.count() == 0


def test_api_refuses_a_sixth_file(client):
    practice = PracticeFactory()
    PracticeAttachmentFactory.create_batch(5, practice=practice)
    client.force_login(practice.author)

    response = _api_upload(client, practice, "six.pdf", PDF_BYTES)

    assert response.status_code == 400
    assert "au plus 5 pièces jointes" in response.json()["file"][0]
    assert PracticeAttachment.objects.count() == 5


def test_api_accepts_a_docx_and_answers_its_url(client):
    practice = PracticeFactory()
    client.force_login(practice.author)

    response = _api_upload(client, practice, "guide.docx", DOCX_BYTES)

    assert response.status_code == 201
    attachment = PracticeAttachment.objects.get()
    assert response.json() == {
        "name": "guide.docx",
        "url": f"http://testserver{attachment.get_absolute_url()}",
        "size": len(DOCX_BYTES),
        "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }


def test_api_upload_without_file_is_a_400(client):
    practice = PracticeFactory()
    client.force_login(practice.author)

    response = client.post(reverse("api-practice-attachments", kwargs={"pk": practice.pk}), {})

    assert response.status_code == 400
    assert list(response.json()) == ["file"]


def test_api_refuses_uploads_to_a_published_practice_or_by_someone_else(client):
    published = PracticeFactory(published=True)
    pending = PracticeFactory()

    client.force_login(published.author)
    assert _api_upload(client, published, "a.pdf", PDF_BYTES).status_code == 403
    client.force_login(published.author)
    # Someone else's pending practice is not even visible to them.
    assert _api_upload(client, pending, "a.pdf", PDF_BYTES).status_code == 404
    client.logout()
    assert _api_upload(client, published, "a.pdf", PDF_BYTES).status_code in (401, 403)
    assert PracticeAttachment.objects.count() == 0
