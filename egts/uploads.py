"""Uploaded files, for every app that takes them: check, name, store, serve, bound the body.

The type comes from the bytes, never from the name or type the browser sent. PDF, PNG and
JPEG are recognised by their exact magic numbers (a general-purpose detector such as
puremagic ranks guesses by confidence, which is not what a yes/no decision needs). ODT and
DOCX are both zip archives: they are told apart by what the archive holds, read with
``zipfile`` under limits so a crafted archive cannot exhaust memory.

A file is stored under a random name ending with the detected type's extension, and served
as a download of that type that browsers may not sniff: a PDF that carries HTML, named
``evil.html``, is stored and served as ``….pdf``, ``application/pdf``.

Bodies far over the limit are not read in full: ``RequestSizeUploadHandler`` (first in
FILE_UPLOAD_HANDLERS) stops reading at the first file past the limit, and the view puts the
refusal on the form's field (``report_refused_uploads``) with what was typed so far kept.
"""

from __future__ import annotations

import os
import uuid
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# What one form may send in all (several meeting documents, and the text typed beside them).
MAX_FILES_SIZE = 30 * 1024 * 1024
MAX_REQUEST_SIZE = MAX_FILES_SIZE + 2 * 1024 * 1024
NAME_MAX_LENGTH = 100
# A real ODT or DOCX lists a few hundred entries; far more is a zip bomb or not a document.
MAX_ZIP_ENTRIES = 5000

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
OCTET_STREAM = "application/octet-stream"

# The accepted types and the extension each is stored and served under.
EXTENSIONS = {PDF: "pdf", ODT: "odt", DOCX: "docx", PNG: "png", JPEG: "jpg"}
ACCEPTED_LABEL = "PDF, ODT, DOCX, PNG, JPEG"
ACCEPT_ATTRIBUTE = ".pdf,.odt,.docx,.png,.jpg,.jpeg"

_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    name: str
    size: int


def _shown(raw_name: str | None) -> str:
    """The name as typed, shortened: it only serves to tell the author which file failed."""
    name = os.path.basename((raw_name or "").replace("\\", "/"))
    return name if len(name) <= 80 else name[:77] + "…"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _zip_document_type(uploaded) -> str | None:
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                return None
            names = {info.filename for info in infos}
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    with archive.open(info) as entry:
                        if entry.read(100).strip() == ODT.encode():
                            return ODT
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        uploaded.seek(0)
    return None


def detect_content_type(uploaded) -> str | None:
    """One of the accepted types, read from the content; None for anything else."""
    uploaded.seek(0)
    head = uploaded.read(2048)
    uploaded.seek(0)
    if not head:
        return None
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return _zip_document_type(uploaded)
    return None


def clean_name(raw_name: str, content_type: str) -> str:
    """A display name safe in a header and on any system, ending with the real extension."""
    base = os.path.basename((raw_name or "").replace("\\", "/"))
    stem, _dot, _ext = base.rpartition(".")
    stem = stem or base
    try:
        stem = get_valid_filename(stem)
    except Exception:  # noqa: BLE001 — Django refuses names like "..": fall back below
        stem = ""
    stem = stem.strip("._-")[: NAME_MAX_LENGTH - 6] or "document"
    return f"{stem}.{EXTENSIONS[content_type]}"


def check_file(uploaded) -> CheckedFile:
    """Refuse, with a sentence the author understands, anything the platform must not keep.

    Raises ValidationError (one message, naming the file).
    """
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(
            _("Le fichier « %(name)s » est vide.") % {"name": _shown(uploaded.name)}, code="empty"
        )
    if size > MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("Le fichier « %(name)s » dépasse 10 Mo (%(size)s Mo).")
            % {"name": _shown(uploaded.name), "size": _megabytes(size)},
            code="too_large",
        )
    content_type = detect_content_type(uploaded)
    if content_type is None:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » n'est pas un document accepté (%(accepted)s) : "
                "son contenu ne correspond pas à son nom."
            )
            % {"name": _shown(uploaded.name), "accepted": ACCEPTED_LABEL},
            code="invalid_type",
        )
    return CheckedFile(
        content_type=content_type, name=clean_name(uploaded.name, content_type), size=size
    )


def stored_name(folder: str, content_type: str) -> str:
    """A random path in ``folder``: the uploaded name never reaches the disk."""
    return f"{folder}/{uuid.uuid4().hex}.{EXTENSIONS.get(content_type, 'bin')}"


def file_response(field_file, *, name: str, content_type: str) -> FileResponse:
    """The file as a download, with the type found at upload and no sniffing by the browser."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=content_type if content_type in EXTENSIONS else OCTET_STREAM,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Bodies over the limit ---------------------------------------------------------------


class RequestSizeUploadHandler(FileUploadHandler):
    """Stops reading a body over MAX_REQUEST_SIZE at its first file past the limit.

    The fields sent before that file (a form's file inputs come last) are parsed as usual,
    so the page can show them again with the refusal on the file's field; the rest of the
    body is never read. Bodies within the limit pass untouched: the forms and services then
    give their precise messages (type, size in Mo).
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.over_limit = content_length > MAX_REQUEST_SIZE
        self.files_size = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file_size = 0

    def receive_data_chunk(self, raw_data, start):
        if self.over_limit:
            self.file_size += len(raw_data)
            self.files_size += len(raw_data)
            if self.file_size > MAX_UPLOAD_SIZE:
                self._refuse(
                    _(
                        "Le fichier « %(name)s » dépasse 10 Mo : il n'a pas été reçu. "
                        "Choisissez un fichier plus léger."
                    )
                    % {"name": _shown(self.file_name)}
                )
            if self.files_size > MAX_FILES_SIZE:
                self._refuse(
                    _(
                        "Vos fichiers dépassent 30 Mo à eux tous : ils n'ont pas été reçus. "
                        "Envoyez-les en plusieurs fois."
                    )
                )
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self, message: str):
        refused = getattr(self.request, "refused_uploads", None)
        if refused is None:
            refused = self.request.refused_uploads = {}
        refused[self.field_name] = message
        # Not a byte more: the response goes out without reading the rest of the body.
        raise StopUpload(connection_reset=True)


def refused_uploads(request) -> dict[str, str]:
    """The files RequestSizeUploadHandler did not receive: field name → message."""
    request = getattr(request, "_request", request)  # a DRF request wraps Django's
    return getattr(request, "refused_uploads", None) or {}


def report_refused_uploads(form, request) -> bool:
    """Put each refused file's message on its (bound) form's field, validating it; True if any."""
    refused = refused_uploads(request)
    for field_name, message in refused.items():
        name = next((n for n in form.fields if form.add_prefix(n) == field_name), None)
        form.errors  # noqa: B018 — validates first, so the refusal is the field's only error
        if name is not None:
            form._errors.pop(name, None)
            form.cleaned_data.pop(name, None)
        form.add_error(name, message)
    return bool(refused)
