"""This app's part of the participant's own space: "Mes pratiques", export and erasure."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from egts.moderation import ModerationStatus, RejectReason
from egts.participant import ParticipantItem

from .models import Practice


def _status(practice: Practice) -> tuple[str, str]:
    if practice.is_draft:
        return "draft", _("Brouillon")
    return practice.status, str(ModerationStatus(practice.status).label)


def section_items(user) -> list[ParticipantItem]:
    """Every practice of the user, drafts first, in a constant number of queries."""
    items = []
    practices = Practice.objects.authored_by(user).order_by("-is_draft", "-updated_at", "-id")
    for practice in practices:
        status, status_label = _status(practice)
        rejected = practice.status == ModerationStatus.REJECTED and not practice.is_draft
        changes = practice.status == ModerationStatus.CHANGES_REQUESTED and not practice.is_draft
        edit_url = ""
        if practice.is_editable_by_author:
            step = practice.current_step if practice.is_draft else 1
            edit_url = reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": step})
        items.append(
            ParticipantItem(
                kind="practice",
                title=practice.title or _("Pratique sans titre"),
                status=status,
                status_label=status_label,
                submitted_at=None if practice.is_draft else practice.submitted_at,
                url=practice.get_absolute_url(),
                edit_url=edit_url,
                reason=str(RejectReason(practice.moderation_reason).label)
                if rejected and practice.moderation_reason
                else "",
                message=practice.moderation_message if (rejected or changes) else "",
                extra={
                    "is_draft": practice.is_draft,
                    "edit_label": _("Continuer")
                    if practice.is_draft
                    else _("Modifier et soumettre à nouveau")
                    if changes
                    else _("Modifier"),
                },
            )
        )
    return items


def export_practices(user) -> list[dict]:
    practices = (
        Practice.objects.authored_by(user)
        .select_related("territory")
        .prefetch_related("themes", "policies", "attachments")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": p.pk,
            "status": _status(p)[0],
            "title": p.title,
            "summary": p.summary,
            "context": p.context,
            "people_concerned": p.people_concerned,
            "actors": p.actors,
            "implementation": p.implementation,
            "results": p.results,
            "transfer_conditions": p.transfer_conditions,
            "organisation": p.organisation,
            "department": p.department_id,
            "territory": p.territory.slug if p.territory else None,
            "themes": [t.code for t in p.themes.all()],
            "policies": [c.code for c in p.policies.all()],
            "contact_email": p.contact_email,
            "attachments": [{"name": a.name, "size": a.size} for a in p.attachments.all()],
            "moderation": {"reason": p.moderation_reason, "message": p.moderation_message},
            "created_at": p.created_at.isoformat(),
            "submitted_at": None if p.is_draft else p.submitted_at.isoformat(),
            "published_at": p.published_at.isoformat() if p.published_at else None,
        }
        for p in practices
    ]


@transaction.atomic
def erase(user) -> None:
    """Published practices stay, detached and without contact; the rest goes with its files."""
    from .services import delete_with_files

    mine = Practice.objects.authored_by(user)
    mine.published().update(author=None, contact_email="")
    delete_with_files(Practice.objects.filter(author=user))
