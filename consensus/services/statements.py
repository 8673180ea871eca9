"""Proposing, writing and moderating statements."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egts.decision_notices import notify_author, notify_authors_after_commit
from egts.models import Policy, Territory, Theme
from egts.moderation import (
    Decision,
    ModerationError,
    ModerationStatus,
    apply_bulk_decision,
    apply_decision,
    detect_personal_data,
)

from ..models import LINKED_SOURCES, Statement, StatementSource

# Where a linked source lives: read through the app registry, so that consensus imports
# neither assises nor analysis (DESIGN.md: it depends on egts only).
SOURCE_MODELS = {
    StatementSource.HYPOTHESIS: "assises.Hypothesis",
    StatementSource.PROPOSAL: "assises.Proposal",
    StatementSource.TOPIC: "analysis.Topic",
}


def source_exists(source_type: str, source_id: int) -> bool:
    try:
        model = apps.get_model(SOURCE_MODELS[source_type])
    except (KeyError, LookupError):
        return False
    return model.objects.filter(pk=source_id).exists()


def _check_source(*, author, territory, source_type: str, source_id: int | None) -> None:
    if source_type not in LINKED_SOURCES:
        if source_id is not None:
            raise ModerationError(
                {"source": [_("Seuls une hypothèse, une proposition ou un thème ont un numéro.")]}
            )
        return
    if not author.has_perm("consensus.publish_statement", territory):
        raise ModerationError(
            {
                "source": [
                    _(
                        "Seuls l'équipe nationale et le COPIL du territoire peuvent tirer un "
                        "énoncé d'une hypothèse, d'une proposition ou d'un thème."
                    )
                ]
            }
        )
    if source_id is None or not source_exists(source_type, source_id):
        raise ModerationError({"source": [_("Cette origine n'existe pas.")]})


@transaction.atomic
def statement_submit(
    *,
    author,
    text: str,
    theme: Theme,
    policy: Policy | None = None,
    territory: Territory | None = None,
    source_type: str = "",
    source_id: int | None = None,
) -> Statement:
    """A new statement: published at once when its author writes for their own scope
    (national team, COPIL of the territory), pending in the territory's queue otherwise."""
    if not getattr(author, "is_authenticated", False):
        raise PermissionDenied
    may_publish = author.has_perm("consensus.publish_statement", territory)
    if not source_type:
        source_type = StatementSource.TEAM if may_publish else StatementSource.AUTHOR
    if source_type == StatementSource.TEAM and not may_publish:
        source_type = StatementSource.AUTHOR
    _check_source(author=author, territory=territory, source_type=source_type, source_id=source_id)
    now = timezone.now()
    statement = Statement(
        text=text,
        theme=theme,
        policy=policy,
        territory=territory,
        source_type=source_type,
        source_id=source_id,
        author=author,
        flags=detect_personal_data(text),
        submitted_at=now,
        status=ModerationStatus.PUBLISHED if may_publish else ModerationStatus.PENDING,
        published_at=now if may_publish else None,
    )
    statement.full_clean(exclude=["author", "theme", "policy", "territory"])
    statement.save()
    return statement


def _notify_author(statement: Statement) -> None:
    """Tell the participant who proposed the statement that it was published or not."""
    notify_author(
        statement,
        subjects={
            ModerationStatus.PUBLISHED: _("Votre énoncé est publié"),
            ModerationStatus.REJECTED: _("Votre énoncé n'a pas été publié"),
        },
    )


@transaction.atomic
def statement_moderate(
    *, statement: Statement, moderator, decision: str, reason: str = "", message: str = ""
) -> Statement:
    """Publish or reject one statement, log the decision and e-mail its author."""
    if not moderator.has_perm("consensus.moderate_statement", statement):
        raise PermissionDenied
    apply_decision(
        item=statement,
        decided_by=moderator,
        decision=decision,
        reason=reason,
        message=message,
        allow_request_changes=False,
    )
    transaction.on_commit(lambda: _notify_author(statement))
    return statement


@transaction.atomic
def statements_bulk_moderate(
    *, statements, moderator, decision: str, reason: str = "", message: str = ""
) -> list[Statement]:
    """One decision for a selection of the queue; refused as a whole if one is not allowed."""
    statements = list(statements)
    for statement in statements:
        if not moderator.has_perm("consensus.moderate_statement", statement):
            raise PermissionDenied
    if decision == Decision.REQUEST_CHANGES:
        raise ModerationError(
            {"decision": [_("Cette décision n'est possible que pour une pratique.")]},
            code="invalid",
        )
    apply_bulk_decision(
        items=statements, decided_by=moderator, decision=decision, reason=reason, message=message
    )
    notify_authors_after_commit(statements, moderator=moderator, notify=_notify_author)
    return statements
