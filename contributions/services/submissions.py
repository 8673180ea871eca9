"""Submitting and editing a contribution (forms, API, offline entries)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egts import resubmission
from egts.models import Department, Policy, Theme
from egts.moderation import ModerationStatus, detect_personal_data
from egts.search import SEARCH_CONFIG

from ..models import Contribution, ContributionSource
from .one_statement import insert_unless_resent

# The same contribution sent again this soon by its author is the same submission
# (double click, browser or network retry): it answers the first one, not a copy.
RESUBMISSION_WINDOW = resubmission.WINDOW


def refresh_search_vectors(ids: Iterable[int]) -> None:
    """Recompute the stored search vector (title weighs more than the text)."""
    ids = list(ids)
    if not ids or connection.vendor != "postgresql":
        return
    Contribution.objects.filter(pk__in=ids).update(
        search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("published_body", weight="B", config=SEARCH_CONFIG)
    )


def contribution_submit(
    *,
    author,
    kind: str,
    title: str,
    body: str,
    themes: Sequence[Theme],
    policies: Sequence[Policy] = (),
    department: Department | None = None,
    actor_category: str,
    source: str = ContributionSource.ONLINE,
) -> Contribution:
    """A new contribution, pending in its territory's queue (national without department).

    An identical one from the same author in the last RESUBMISSION_WINDOW is returned
    instead of a copy. Offline entries (no author) are never merged.
    """
    signed_in = getattr(author, "is_authenticated", False)
    contribution = Contribution(
        kind=kind,
        title=title,
        body=body,
        department=department,
        territory=department.region.territory if department else None,
        actor_category=actor_category,
        source=source,
        author=author if signed_in else None,
        flags=detect_personal_data(title, body, with_names=False),  # names: the task
        status=ModerationStatus.PENDING,
        submitted_at=timezone.now(),
    )
    theme_codes = list(dict.fromkeys(theme.pk for theme in themes))  # each once, as given
    policy_codes = list(dict.fromkeys(policy.pk for policy in policies))
    if not signed_in:  # offline entries and anonymous API clients are never merged
        with transaction.atomic():
            return _insert(contribution, theme_codes, policy_codes)
    if connection.vendor == "postgresql":  # one round trip: see one_statement.py
        fingerprint = _fingerprint(contribution)
        if insert_unless_resent(contribution, theme_codes, policy_codes, fingerprint=fingerprint):
            _send_after_commit("screen_contribution", contribution.pk)
            return contribution
        earlier = _same_contribution(contribution)
        if earlier is not None:
            return earlier
        # The first one is gone (deleted since): this one counts, through the ORM.
    contribution, _created = resubmission.submit_once(
        sender=resubmission.user_sender(contribution.author),
        fingerprint=_fingerprint(contribution),
        author=contribution.author,
        create=lambda: _insert(contribution, theme_codes, policy_codes),
        find=lambda pk: Contribution.objects.filter(pk=pk).first(),
    )
    return contribution


def _send_after_commit(task: str, *args) -> None:
    """Queue a task of ``contributions.tasks`` once the transaction commits (at once outside
    one). A broker that cannot be reached is logged, never the submitter's error."""

    def send():
        from .. import tasks

        getattr(tasks, task).delay(*args)

    transaction.on_commit(send, robust=True)


def _same_contribution(contribution: Contribution) -> Contribution | None:
    return (
        Contribution.objects.filter(
            author=contribution.author,
            kind=contribution.kind,
            title=contribution.title,
            body=contribution.body,
            department=contribution.department,
        )
        .order_by("-pk")
        .first()
    )


def _fingerprint(contribution: Contribution) -> str:
    return resubmission.fingerprint(
        "contribution",
        contribution.kind,
        contribution.title,
        contribution.body,
        contribution.department_id,
    )


def _insert(contribution: Contribution, theme_codes, policy_codes) -> Contribution:
    """The contribution and its links, inside the caller's transaction: three inserts."""
    contribution.save(force_insert=True)
    _send_after_commit("screen_contribution", contribution.pk)
    contribution.theme_codes = _link(
        Contribution.themes.through, contribution, "theme_id", theme_codes
    )
    contribution.policy_codes = _link(
        Contribution.policies.through, contribution, "policy_id", policy_codes
    )
    return contribution


def _link(through, contribution: Contribution, column: str, codes: list[str]) -> list[str]:
    through.objects.bulk_create(
        [through(contribution_id=contribution.pk, **{column: code}) for code in codes]
    )
    return codes


@transaction.atomic
def contribution_update(
    *,
    contribution: Contribution,
    author,
    kind: str,
    title: str,
    body: str,
    themes: Sequence[Theme],
    policies: Sequence[Policy] = (),
    department: Department | None = None,
    actor_category: str,
) -> Contribution:
    """The author edits a contribution still waiting for moderation."""
    if contribution.author_id is None or contribution.author_id != getattr(author, "pk", None):
        raise PermissionDenied
    if contribution.status != ModerationStatus.PENDING:
        raise ValidationError(
            {"non_field_errors": [_("Une contribution déjà modérée ne peut plus être modifiée.")]}
        )
    contribution.kind = kind
    contribution.title = title
    contribution.body = body
    contribution.department = department
    contribution.territory_id = department.region.territory_id if department else None
    contribution.actor_category = actor_category
    contribution.flags = detect_personal_data(title, body, with_names=False)
    contribution.save()
    _send_after_commit("screen_contribution", contribution.pk)
    contribution.themes.set(themes)
    contribution.policies.set(policies)
    return contribution
