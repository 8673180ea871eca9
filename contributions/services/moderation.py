"""Publishing or rejecting contributions, one or a selection, and telling their authors."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from egts.decision_notices import notify_author, notify_authors_after_commit
from egts.moderation import (
    Decision,
    ModerationError,
    ModerationStatus,
    apply_bulk_decision,
    apply_decision,
)

from ..models import BODY_MAX_LENGTH, Contribution
from .submissions import _send_after_commit, refresh_search_vectors


def _notify_author(contribution: Contribution) -> None:
    """Tell the author that their contribution was published or rejected."""
    notify_author(
        contribution,
        subjects={
            ModerationStatus.PUBLISHED: _("Votre contribution est publiée"),
            ModerationStatus.REJECTED: _("Votre contribution n'a pas été publiée"),
        },
    )


def _check_moderator(*, moderator, contribution: Contribution) -> None:
    if not moderator.has_perm("contributions.moderate_contribution", contribution):
        raise PermissionDenied


@transaction.atomic
def contribution_moderate(
    *,
    contribution: Contribution,
    moderator,
    decision: str,
    reason: str = "",
    message: str = "",
    published_body: str | None = None,
) -> Contribution:
    """Publish or reject one contribution, log the decision and e-mail the author."""
    _check_moderator(moderator=moderator, contribution=contribution)
    update_fields: list[str] = []
    if published_body is not None and decision == Decision.PUBLISH:
        published_body = published_body.strip()
        if not published_body:
            raise ModerationError(
                {"published_body": [_("Le texte publié ne peut pas être vide.")]}, code="required"
            )
        if len(published_body) > BODY_MAX_LENGTH:
            raise ModerationError(
                {
                    "published_body": [
                        _("Le texte publié ne peut dépasser %(max)s caractères.")
                        % {"max": BODY_MAX_LENGTH}
                    ]
                },
                code="max_length",
            )
        contribution.published_body = published_body
        update_fields.append("published_body")
    elif decision == Decision.PUBLISH and not contribution.published_body:
        contribution.published_body = contribution.body
        update_fields.append("published_body")
    apply_decision(
        item=contribution,
        decided_by=moderator,
        decision=decision,
        reason=reason,
        message=message,
        allow_request_changes=False,
        update_fields=update_fields,
    )
    refresh_search_vectors([contribution.pk])
    if contribution.status == ModerationStatus.PUBLISHED:
        _send_after_commit("refresh_signatures", [contribution.pk])
    transaction.on_commit(lambda: _notify_author(contribution))
    return contribution


@transaction.atomic
def contributions_bulk_moderate(
    *,
    contributions: Iterable[Contribution],
    moderator,
    decision: str,
    reason: str = "",
    message: str = "",
) -> list[Contribution]:
    """One decision for a selection of the queue; refused as a whole if one item is not allowed."""
    contributions = list(contributions)
    for contribution in contributions:
        _check_moderator(moderator=moderator, contribution=contribution)
    if decision == Decision.REQUEST_CHANGES:
        raise ModerationError(
            {"decision": [_("Cette décision n'est possible que pour une pratique.")]},
            code="invalid",
        )
    apply_bulk_decision(
        items=contributions, decided_by=moderator, decision=decision, reason=reason, message=message
    )
    if decision == Decision.PUBLISH:
        missing = [c for c in contributions if not c.published_body]
        for contribution in missing:
            contribution.published_body = contribution.body
        Contribution.objects.bulk_update(missing, ["published_body"], batch_size=500)
        _send_after_commit("refresh_signatures", [c.pk for c in contributions])
    refresh_search_vectors(c.pk for c in contributions)
    notify_authors_after_commit(contributions, moderator=moderator, notify=_notify_author)
    return contributions
