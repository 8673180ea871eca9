"""This app's part of the participant's own space: list, export and erasure."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from egts.models import SubmissionGuard
from egts.moderation import ModerationStatus, RejectReason
from egts.participant import ParticipantItem

from .models import Contribution, Response


def section_items(user) -> list[ParticipantItem]:
    """Every contribution of the user, newest first, in a constant number of queries."""
    items = []
    for contribution in Contribution.objects.authored_by(user).order_by("-submitted_at", "-id"):
        pending = contribution.status == ModerationStatus.PENDING
        rejected = contribution.status == ModerationStatus.REJECTED
        items.append(
            ParticipantItem(
                kind="contribution",
                title=contribution.title,
                status=contribution.status,
                status_label=str(ModerationStatus(contribution.status).label),
                submitted_at=contribution.submitted_at,
                url=contribution.get_absolute_url(),
                edit_url=reverse("contributions:edit", kwargs={"pk": contribution.pk})
                if pending
                else "",
                reason=str(RejectReason(contribution.moderation_reason).label)
                if rejected and contribution.moderation_reason
                else "",
                message=contribution.moderation_message if rejected else "",
                extra={"kind_label": contribution.get_kind_display()},
            )
        )
    return items


def export_contributions(user) -> list[dict]:
    contributions = (
        Contribution.objects.authored_by(user)
        .select_related("department", "territory")
        .prefetch_related("themes", "policies")
        .order_by("submitted_at", "id")
    )
    return [
        {
            "id": c.pk,
            "kind": c.kind,
            "title": c.title,
            "body": c.body,
            "published_body": c.published_body,
            "themes": [t.code for t in c.themes.all()],
            "policies": [p.code for p in c.policies.all()],
            "department": c.department_id,
            "territory": c.territory.slug if c.territory else None,
            "actor_category": c.actor_category,
            "source": c.source,
            "status": c.status,
            "moderation": {"reason": c.moderation_reason, "message": c.moderation_message},
            "submitted_at": c.submitted_at.isoformat(),
            "published_at": c.published_at.isoformat() if c.published_at else None,
        }
        for c in contributions
    ]


def export_responses(user) -> list[dict]:
    responses = (
        Response.objects.filter(user=user)
        .select_related("questionnaire")
        .prefetch_related("answers__question", "answers__choice")
        .order_by("created_at")
    )
    result = []
    for response in responses:
        answers = []
        for answer in response.answers.all():
            entry = {"question": answer.question.label}
            if answer.choice_id:
                entry["choice"] = answer.choice.label
            elif answer.value is not None:
                entry["value"] = answer.value
            else:
                entry["text"] = answer.text
            answers.append(entry)
        result.append(
            {
                "questionnaire": response.questionnaire.slug,
                "actor_category": response.actor_category,
                "department": response.department_id,
                "created_at": response.created_at.isoformat(),
                "answers": answers,
            }
        )
    return result


@transaction.atomic
def erase(user) -> None:
    """Published contributions stay, anonymised; the rest of the user's contributions go.

    Questionnaire responses stay in the statistics but no longer point to the account.
    """
    mine = Contribution.objects.authored_by(user)
    mine.published().update(author=None)
    mine.exclude(status=ModerationStatus.PUBLISHED).delete()
    SubmissionGuard.objects.filter(author=user).delete()
    Response.objects.filter(user=user).update(user=None)
