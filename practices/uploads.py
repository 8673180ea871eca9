"""Attachment checks: the type comes from the bytes, never from the name the browser sent.

PDF, PNG and JPEG are recognised by their exact magic numbers (a general-purpose
detector such as puremagic ranks guesses by confidence, which is not what a yes/no
decision needs). ODT and DOCX are both zip archives:
they are told apart by what the archive holds, read with ``zipfile`` under limits so
a crafted archive cannot exhaust memory.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from .models import ATTACHMENT_EXTENSIONS

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
NAME_MAX_LENGTH = 100
# A real ODT or DOCX lists a few hundred entries; far more is a zip bomb or not a document.
MAX_ZIP_ENTRIES = 5000

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"

_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
ACCEPTED_LABEL = "PDF, ODT, DOCX, PNG, JPEG"


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    name: str
    size: int


def _refused(message: str) -> ValidationError:
    return ValidationError({"file": [message]}, code="invalid")


def _shown(uploaded) -> str:
    """The name as typed, shortened: it only serves to tell the author which file failed."""
    name = os.path.basename((uploaded.name or "").replace("\\", "/"))
    return name if len(name) <= 80 else name[:77] + "…"


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
    return f"{stem}.{ATTACHMENT_EXTENSIONS[content_type]}"


def check_upload(uploaded, *, existing_count: int) -> CheckedFile:
    """Refuse, with a sentence the author understands, anything the platform must not keep."""
    if existing_count >= MAX_ATTACHMENTS:
        raise _refused(
            _("Une pratique compte au plus %(max)s pièces jointes : retirez-en une d'abord.")
            % {"max": MAX_ATTACHMENTS}
        )
    size = uploaded.size or 0
    if size == 0:
        raise _refused(_("Le fichier « %(name)s » est vide.") % {"name": _shown(uploaded)})
    if size > MAX_ATTACHMENT_SIZE:
        raise _refused(
            _("Le fichier « %(name)s » dépasse 10 Mo (%(size)s Mo).")
            % {"name": _shown(uploaded), "size": f"{size / 1024 / 1024:.1f}".replace(".", ",")}
        )
    content_type = detect_content_type(uploaded)
    if content_type is None:
        raise _refused(
            _(
                "Le fichier « %(name)s » n'est pas un document accepté (%(accepted)s) : "
                "son contenu ne correspond pas à son nom."
            )
            % {"name": _shown(uploaded), "accepted": ACCEPTED_LABEL}
        )
    return CheckedFile(
        content_type=content_type, name=clean_name(uploaded.name, content_type), size=size
    )
