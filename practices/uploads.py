"""Attachment checks of a practice: the shared upload checks (egts/uploads.py) and a count."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from egts.uploads import ACCEPTED_LABEL, CheckedFile, check_file

MAX_ATTACHMENTS = 5

__all__ = ["ACCEPTED_LABEL", "MAX_ATTACHMENTS", "check_upload"]


def check_upload(uploaded, *, existing_count: int) -> CheckedFile:
    """Refuse, with a sentence the author understands, anything the platform must not keep."""
    if existing_count >= MAX_ATTACHMENTS:
        message = _(
            "Une pratique compte au plus %(max)s pièces jointes : retirez-en une d'abord."
        ) % {"max": MAX_ATTACHMENTS}
        raise ValidationError({"file": [message]}, code="invalid")
    try:
        return check_file(uploaded)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}, code="invalid") from error
