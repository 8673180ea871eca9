"""One moderation queue for contributions, practices and proposed statements, bulk decisions,
the decision log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from analysis.services.screening import has_published_near_copy
from consensus.models import Statement
from consensus.services import statements_bulk_moderate
from contributions.models import Contribution
from contributions.services import contributions_bulk_moderate
from egts.models import Territory, User
from egts.moderation import Decision, ModerationDecision, RejectReason
from practices.models import Practice
from practices.services import practices_bulk_moderate

CONTRIBUTION = "contribution"
PRACTICE = "practice"
STATEMENT = "statement"
ITEM_TYPES = {CONTRIBUTION: Contribution, PRACTICE: Practice, STATEMENT: Statement}
BULK_MODERATE = {
    CONTRIBUTION: lambda items, **decision: contributions_bulk_moderate(
        contributions=items, **decision
    ),
    PRACTICE: lambda items, **decision: practices_bulk_moderate(practices=items, **decision),
    STATEMENT: lambda items, **decision: statements_bulk_moderate(statements=items, **decision),
}
QUEUE_FIELDS = ("item_type", "id", "title", "submitted_at", "flags", "territory_id")


@dataclass(frozen=True)
class QueueScope:
    """Which part of the queue: one territory, the national queue (no territory), or all."""

    territory: Territory | None = None
    national_only: bool = False


def _scoped(queryset, scope: QueueScope):
    if scope.territory is not None:
        return queryset.filter(territory=scope.territory)
    if scope.national_only:
        return queryset.filter(territory__isnull=True)
    return queryset


def moderation_queue(*, user: User, scope: QueueScope, item_type: str = "", flagged: bool = False):
    """Pending items the user may moderate, oldest first, as one SQL UNION (constant queries)."""
    parts = []
    for name, model in ITEM_TYPES.items():
        if item_type and item_type != name:
            continue
        queryset = _scoped(model.objects.moderated_by(user).pending(), scope)
        if flagged:
            # Possible personal data, or (contributions) a near-copy of a published text.
            signalled = ~models.Q(flags=[])
            if model is Contribution:
                signalled |= models.Q(has_published_near_copy())
            queryset = queryset.filter(signalled)
        if model is Statement:  # a statement is its own title
            queryset = queryset.annotate(title=models.F("text"))
        parts.append(
            queryset.annotate(item_type=models.Value(name, output_field=models.CharField()))
            .values(*QUEUE_FIELDS)
            .order_by()
        )
    queue = parts[0]
    if len(parts) > 1:
        queue = queue.union(*parts[1:], all=True)
    return queue.order_by("submitted_at", "id")


def parse_selection(values: Iterable[str]) -> dict[str, list[int]]:
    """``["contribution:3", "practice:7"]`` → ``{"contribution": [3], "practice": [7]}``."""
    selection: dict[str, list[int]] = {name: [] for name in ITEM_TYPES}
    for value in values:
        name, _sep, pk = str(value).partition(":")
        if name not in ITEM_TYPES or not pk.isascii() or not pk.isdigit():
            raise ValidationError({"items": [_("Sélection invalide.")]})
        selection[name].append(int(pk))
    if not any(selection.values()):
        raise ValidationError({"items": [_("Sélectionnez au moins un élément.")]})
    return selection


@transaction.atomic
def queue_bulk_moderate(
    *,
    moderator: User,
    scope: QueueScope,
    selection: dict[str, Sequence[int]],
    decision: str,
    reason: str = "",
    message: str = "",
) -> int:
    """One decision for the whole selection, through each app's bulk service; all or nothing."""
    # The apps' bulk services call type(moderator).objects: hand them the real user,
    # not the request's lazy wrapper around it.
    moderator = getattr(moderator, "_wrapped", moderator)
    if decision not in (Decision.PUBLISH, Decision.REJECT):
        raise ValidationError({"decision": [_("Décision inconnue.")]})
    if decision == Decision.REJECT:
        errors = {}
        if reason not in RejectReason.values:
            errors["reason"] = [_("Indiquez le motif du refus.")]
        if not message.strip():
            errors["message"] = [_("Écrivez le message envoyé aux auteurs.")]
        if errors:
            raise ValidationError(errors)
    found = {}
    for name, ids in selection.items():
        ids = set(ids)
        if not ids:
            continue
        model = ITEM_TYPES[name]
        items = list(
            _scoped(model.objects.moderated_by(moderator), scope).filter(pk__in=ids).order_by("pk")
        )
        if len(items) != len(ids):
            # Something selected is not the moderator's to decide: refuse the whole batch.
            raise PermissionDenied
        found[name] = items
    total = 0
    for name, items in found.items():
        BULK_MODERATE[name](
            items, moderator=moderator, decision=decision, reason=reason, message=message
        )
        total += len(items)
    return total


def moderation_log(*, user: User, scope: QueueScope):
    queryset = ModerationDecision.objects.visible_to(user)
    return _scoped(queryset, scope).select_related("decided_by", "content_type", "territory")
