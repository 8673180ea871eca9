"""Public and back-office pages of significant practices: thin views over the services,
one module per area."""

from .catalogue import practice_card, practice_catalogue, practice_detail
from .files import attachment_download, attachment_response, practice_sheet, sheet_response
from .moderation import practice_moderate
from .sharing import practice_share, shared_with_us
from .submission import (
    attachment_delete,
    practice_delete_draft,
    practice_edit_step,
    practice_submit,
)

__all__ = [
    "attachment_delete",
    "attachment_download",
    "attachment_response",
    "practice_card",
    "practice_catalogue",
    "practice_delete_draft",
    "practice_detail",
    "practice_edit_step",
    "practice_moderate",
    "practice_share",
    "practice_sheet",
    "practice_submit",
    "shared_with_us",
    "sheet_response",
]
