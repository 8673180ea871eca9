"""This app's part of the participant's own space: statements proposed, export, erasure."""

from __future__ import annotations

import secrets

from django.db import transaction

from egts.moderation import ModerationStatus, RejectReason
from egts.participant import ParticipantItem

from .models import Statement, Vote


def _mine(user):
    return (
        Statement.objects.filter(author=user) if user.is_authenticated else Statement.objects.none()
    )


def section_items(user) -> list[ParticipantItem]:
    """The statements the user proposed, newest first, in one query."""
    items = []
    for statement in _mine(user).order_by("-submitted_at", "-id"):
        rejected = statement.status == ModerationStatus.REJECTED
        items.append(
            ParticipantItem(
                kind="statement",
                title=statement.text,
                status=statement.status,
                status_label=str(ModerationStatus(statement.status).label),
                submitted_at=statement.submitted_at,
                reason=str(RejectReason(statement.moderation_reason).label)
                if rejected and statement.moderation_reason
                else "",
                message=statement.moderation_message if rejected else "",
            )
        )
    return items


def export_statements(user) -> list[dict]:
    return [
        {
            "id": s.pk,
            "text": s.text,
            "theme": s.theme_id,
            "policy": s.policy_id,
            "territory": s.territory.slug if s.territory else None,
            "status": s.status,
            "submitted_at": s.submitted_at.isoformat(),
        }
        for s in _mine(user).select_related("territory").order_by("submitted_at", "id")
    ]


def export_votes(user) -> list[dict]:
    votes = Vote.objects.filter(user=user).order_by("created_at", "id")
    return [
        {
            "statement": vote.statement_id,
            "vote": vote.vote,
            "actor_category": vote.actor_category,
            "created_at": vote.created_at.isoformat(),
        }
        for vote in votes
    ]


@transaction.atomic
def erase(user) -> None:
    """Published statements stay, anonymised; the others go. Votes stay in the counts as
    one anonymous voter, known by a random key that nothing links back to the account."""
    mine = _mine(user)
    mine.published().update(author=None)
    mine.exclude(status=ModerationStatus.PUBLISHED).delete()
    Vote.objects.filter(user=user).update(user=None, session_key=secrets.token_hex(32))
