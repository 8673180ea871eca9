"""Every write of the practices app, one module per concern: drafts and submission,
attachments, moderation, sharing. Callers import from here."""

from .attachments import delete_with_files, practice_attach, practice_delete_draft, practice_detach
from .authoring import (
    missing_fields,
    missing_for_submission,
    practice_create,
    practice_draft_create,
    practice_save_step,
    practice_submit,
)
from .common import TEXT_FIELDS, refresh_search_vectors
from .moderation import (
    MAX_TAGS,
    practice_curate,
    practice_feature,
    practice_moderate,
    practices_bulk_moderate,
)
from .sharing import practice_share

__all__ = [
    "MAX_TAGS",
    "TEXT_FIELDS",
    "delete_with_files",
    "missing_fields",
    "missing_for_submission",
    "practice_attach",
    "practice_create",
    "practice_curate",
    "practice_delete_draft",
    "practice_detach",
    "practice_draft_create",
    "practice_feature",
    "practice_moderate",
    "practice_save_step",
    "practice_share",
    "practice_submit",
    "practices_bulk_moderate",
    "refresh_search_vectors",
]
