"""The author's side: drafts, the wizard's steps, submission."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egts.moderation import Decision, ModerationStatus, apply_decision

from ..models import REQUIRED_FOR_SUBMISSION, Practice
from ..pages import practice_pages_changed
from .common import _apply_data, _check_author, _flags, _once, _screen_names_after_commit, _sent


def practice_draft_create(*, author, data: Mapping, step: int = 1) -> Practice:
    """A new draft holding what the first step gave: only its author sees it. The same
    first step sent again is the same draft."""
    if not author.has_perm("practices.add_practice"):
        raise PermissionDenied
    return _once(
        author=author,
        scope="practice_draft",
        sent=_sent(data),
        create=lambda: _draft_create(author=author, data=data, step=step),
        earlier=Practice.objects.filter(author=author, is_draft=True),
    )


@transaction.atomic
def _draft_create(*, author, data: Mapping, step: int) -> Practice:
    practice = Practice(
        author=author,
        actor_category=author.actor_category or "",
        is_draft=True,
        status=ModerationStatus.PENDING,
        current_step=step,
    )
    _apply_data(practice, data)
    practice.flags = _flags(practice)
    practice.save()
    if "themes" in data:
        practice.themes.set(data["themes"])
    if "policies" in data:
        practice.policies.set(data["policies"])
    return practice


@transaction.atomic
def practice_save_step(*, practice: Practice, author, data: Mapping, step: int) -> Practice:
    """Keep what one step of the form gave; the rest of the practice is left as it was."""
    _check_author(practice=practice, author=author)
    _apply_data(practice, data)
    practice.current_step = max(practice.current_step, step)
    practice.flags = _flags(practice)
    practice.save()
    if "themes" in data:
        practice.themes.set(data["themes"])
    if "policies" in data:
        practice.policies.set(data["policies"])
    practice_pages_changed([practice])
    return practice


def missing_fields(values: Mapping, names) -> dict[str, list[str]]:
    """Of ``names``, those a practice cannot be sent without and that ``values`` leave empty.

    The wizard checks each step's fields with it as the step is sent, the submission
    checks them all: the same rule and the same message at both moments."""
    errors: dict[str, list[str]] = {}
    for name in names:
        if name in REQUIRED_FOR_SUBMISSION and not (values.get(name) or "").strip():
            label = Practice._meta.get_field(name).verbose_name
            errors[name] = [_("Renseignez « %(label)s ».") % {"label": label}]
        elif name == "themes" and not values.get("themes"):
            errors["themes"] = [_("Choisissez au moins un thème.")]
    return errors


def missing_for_submission(practice: Practice) -> dict[str, list[str]]:
    """What still has to be written before the practice can go to moderation."""
    values = {name: getattr(practice, name) for name in REQUIRED_FOR_SUBMISSION}
    values["themes"] = practice.pk is not None and practice.themes.exists()
    return missing_fields(values, (*REQUIRED_FOR_SUBMISSION, "themes"))


@transaction.atomic
def practice_submit(*, practice: Practice, author) -> Practice:
    """Send a draft to its territory's queue, or send it back after changes were requested."""
    _check_author(practice=practice, author=author)
    missing = missing_for_submission(practice)
    if missing:
        raise ValidationError(missing)
    practice.flags = _flags(practice)
    if practice.is_draft:
        practice.is_draft = False
        practice.status = ModerationStatus.PENDING
        practice.submitted_at = timezone.now()
        practice.save(update_fields=["is_draft", "status", "submitted_at", "flags", "updated_at"])
    elif practice.status == ModerationStatus.CHANGES_REQUESTED:
        practice.submitted_at = timezone.now()
        apply_decision(
            item=practice,
            decided_by=author,
            decision=Decision.RESUBMIT,
            allow_request_changes=True,
            update_fields=["submitted_at", "flags", "updated_at"],
        )
    else:
        raise ValidationError(
            {"non_field_errors": [_("Cette pratique est déjà en attente de modération.")]}
        )
    _screen_names_after_commit(practice)
    practice_pages_changed([practice])
    return practice


def practice_create(*, author, data: Mapping) -> Practice:
    """A complete practice in one call (the API): created and sent to moderation at once.
    The same practice sent again is the first one, not a copy."""
    if not author.has_perm("practices.add_practice"):
        raise PermissionDenied

    def create() -> Practice:
        practice = _draft_create(author=author, data=data, step=4)
        return practice_submit(practice=practice, author=author)

    return _once(
        author=author,
        scope="practice",
        sent=_sent(data),
        create=create,
        earlier=Practice.objects.filter(author=author),
    )
