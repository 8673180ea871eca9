"""Every write of the action plan: axes, measures, local actions, their follow-up, and the
participants' opt-in to status-change e-mails."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from assises.models import Proposal, ProposalStatus
from contributions.models import Contribution
from egts.cache import bump_public_pages
from egts.models import Territory, User

from .models import (
    Axis,
    FollowUpPreference,
    Indicator,
    IndicatorValue,
    LocalAction,
    Measure,
    ProgressUpdate,
    Status,
    Tracked,
)

AXIS_FIELDS = ("title", "description", "order")
TRACKED_FIELDS = ("title", "description", "owner", "partners", "deadline", "budget")
MEASURE_FIELDS = (*TRACKED_FIELDS, "order")


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _apply(obj, data: Mapping, fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            setattr(obj, name, value.strip() if isinstance(value, str) else value)


def _after_commit_bump() -> None:
    transaction.on_commit(bump_public_pages)


# --- Axes ---------------------------------------------------------------------------------


@transaction.atomic
def axis_create(*, created_by: User, data: Mapping) -> Axis:
    _require(created_by, "actionplan.add_axis")
    axis = Axis()
    _apply(axis, data, AXIS_FIELDS)
    axis.full_clean()
    axis.save()
    return axis


@transaction.atomic
def axis_update(*, axis: Axis, updated_by: User, data: Mapping) -> Axis:
    _require(updated_by, "actionplan.change_axis", axis)
    _apply(axis, data, AXIS_FIELDS)
    axis.full_clean()
    axis.save()
    _after_commit_bump()
    return axis


# --- Indicators ---------------------------------------------------------------------------


def _sync_indicators(*, owner: Tracked, rows: Sequence[Mapping]) -> None:
    """Create, update or delete the owner's indicators from the form's rows.

    A row is ``{id?, label, unit, target_value, delete?}``; an id of another owner's
    indicator is refused rather than silently moved.
    """
    owner_field = "measure" if isinstance(owner, Measure) else "local_action"
    existing = {i.pk: i for i in Indicator.objects.filter(**{owner_field: owner})}
    for order, row in enumerate(rows):
        indicator_id = row.get("id")
        if indicator_id is not None and indicator_id not in existing:
            raise ValidationError({"indicators": [_("Indicateur inconnu.")]})
        if row.get("delete"):
            if indicator_id is not None:
                existing[indicator_id].delete()
            continue
        if not (row.get("label") or "").strip():
            continue
        indicator = existing.get(indicator_id) or Indicator(**{owner_field: owner})
        indicator.label = row["label"].strip()
        indicator.unit = (row.get("unit") or "").strip()
        indicator.target_value = row["target_value"]
        indicator.order = order
        indicator.save()


# --- Measures -----------------------------------------------------------------------------


def _check_proposals(proposals: Iterable[Proposal]) -> list[Proposal]:
    proposals = list(proposals)
    if any(p.status != ProposalStatus.FORWARDED for p in proposals):
        message = _("Seules les propositions transmises à l'équipe nationale fondent une mesure.")
        raise ValidationError({"proposals": [message]})
    return proposals


@transaction.atomic
def measure_create(
    *,
    created_by: User,
    axis: Axis,
    data: Mapping,
    proposals: Iterable[Proposal] = (),
    indicators: Sequence[Mapping] = (),
) -> Measure:
    """A new measure of the plan; several convergent proposals may be merged into it."""
    _require(created_by, "actionplan.add_measure")
    proposals = _check_proposals(proposals)
    measure = Measure(axis=axis, created_by=created_by)
    _apply(measure, data, MEASURE_FIELDS)
    measure.full_clean(exclude=["proposals"])
    measure.save()
    measure.proposals.set(proposals)
    _sync_indicators(owner=measure, rows=indicators)
    _after_commit_bump()
    return measure


@transaction.atomic
def measure_update(
    *,
    measure: Measure,
    updated_by: User,
    axis: Axis | None = None,
    data: Mapping,
    proposals: Iterable[Proposal] | None = None,
    indicators: Sequence[Mapping] = (),
) -> Measure:
    _require(updated_by, "actionplan.change_measure", measure)
    if axis is not None:
        measure.axis = axis
    _apply(measure, data, MEASURE_FIELDS)
    measure.full_clean(exclude=["proposals"])
    measure.save()
    if proposals is not None:
        measure.proposals.set(_check_proposals(proposals))
    _sync_indicators(owner=measure, rows=indicators)
    _after_commit_bump()
    return measure


# --- Follow-up ----------------------------------------------------------------------------


def _record_indicator_values(*, update: ProgressUpdate, values: Mapping[int, Decimal]) -> None:
    for indicator_id, value in values.items():
        if value is None:
            continue
        IndicatorValue.objects.create(update=update, indicator_id=indicator_id, value=value)
        # Only the latest dated reading is the indicator's current value.
        latest = (
            IndicatorValue.objects.filter(indicator_id=indicator_id)
            .order_by("-update__date", "-update_id")
            .values_list("value", flat=True)
            .first()
        )
        Indicator.objects.filter(pk=indicator_id).update(current_value=latest)


def _record_progress(
    *,
    target: Tracked,
    author: User,
    date: datetime.date,
    text: str,
    status: str,
    progress: int,
    abandon_reason: str,
    values: Mapping[int, Decimal],
) -> ProgressUpdate:
    errors: dict[str, list[str]] = {}
    if status not in Status.values:
        errors["status"] = [_("Statut inconnu.")]
    if not 0 <= progress <= 100:
        errors["progress"] = [_("L'avancement est compris entre 0 et 100 %.")]
    abandon_reason = (abandon_reason or "").strip()
    if status == Status.ABANDONED and not abandon_reason:
        errors["abandon_reason"] = [_("Indiquez pourquoi l'action est abandonnée.")]
    if not (text or "").strip():
        errors["text"] = [_("Décrivez ce qui a été fait.")]
    owner_field = "measure" if isinstance(target, Measure) else "local_action"
    indicators = {i.pk: i for i in Indicator.objects.filter(**{owner_field: target})}
    if set(values) - set(indicators):
        errors["values"] = [_("Indicateur inconnu.")]
    if errors:
        raise ValidationError(errors)
    if status == Status.DONE:
        progress = 100
    previous_status = target.status
    update = ProgressUpdate.objects.create(
        **{owner_field: target},
        date=date,
        text=text.strip(),
        status=status,
        previous_status=previous_status,
        progress=progress,
        author=author,
    )
    _record_indicator_values(update=update, values=values)
    target.progress = progress
    target.status = status
    target.abandon_reason = abandon_reason if status == Status.ABANDONED else ""
    if status != previous_status:
        target.status_changed_at = timezone.now()
    target.save(
        update_fields=["progress", "status", "abandon_reason", "status_changed_at", "updated_at"]
    )
    _after_commit_bump()
    return update


@transaction.atomic
def measure_record_progress(
    *,
    measure: Measure,
    author: User,
    date: datetime.date,
    text: str,
    status: str,
    progress: int,
    abandon_reason: str = "",
    values: Mapping[int, Decimal] | None = None,
) -> ProgressUpdate:
    """A dated progress update; a change of status tells the opted-in contributors."""
    _require(author, "actionplan.follow_measure", measure)
    update = _record_progress(
        target=measure,
        author=author,
        date=date,
        text=text,
        status=status,
        progress=progress,
        abandon_reason=abandon_reason,
        values=values or {},
    )
    if update.changed_status:
        recipients = list(status_change_recipients(measure))
        transaction.on_commit(
            lambda: _send_status_mails(measure=measure, update=update, recipients=recipients)
        )
    return update


def status_change_recipients(measure: Measure) -> Iterable[tuple[User, list[str]]]:
    """Opted-in authors of the published contributions behind the measure, with their titles."""
    contributions = (
        Contribution.objects.published()
        .filter(
            pk__in=Proposal.related_contributions.through.objects.filter(
                proposal__measures=measure
            ).values("contribution_id"),
            author__is_active=True,
            author__follow_up_preference__notify_measure_status=True,
        )
        .select_related("author")
        .order_by("author_id", "id")
    )
    by_author: dict[int, tuple[User, list[str]]] = {}
    for contribution in contributions:
        entry = by_author.setdefault(contribution.author_id, (contribution.author, []))
        entry[1].append(contribution.title)
    return by_author.values()


def _send_status_mails(*, measure: Measure, update: ProgressUpdate, recipients) -> None:
    subject = _("[EGTS] Une mesure issue de vos contributions a changé de statut")
    for author, titles in recipients:
        context = {
            "measure": measure,
            "update": update,
            "previous_status": Status(update.previous_status).label,
            "status": Status(update.status).label,
            "contributions": titles,
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        send_mail(
            subject=subject,
            message=render_to_string("emails/actionplan/measure_status.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[author.email],
        )


# --- Local actions ------------------------------------------------------------------------


@transaction.atomic
def local_action_create(
    *,
    territory: Territory,
    created_by: User,
    data: Mapping,
    proposals: Iterable[Proposal] = (),
    indicators: Sequence[Mapping] = (),
) -> LocalAction:
    _require(created_by, "actionplan.add_localaction", territory)
    proposals = list(proposals)
    if any(p.territory_id != territory.pk for p in proposals):
        raise ValidationError({"proposals": [_("Choisissez des propositions du territoire.")]})
    action = LocalAction(territory=territory, created_by=created_by)
    _apply(action, data, TRACKED_FIELDS)
    action.full_clean(exclude=["proposals"])
    action.save()
    action.proposals.set(proposals)
    _sync_indicators(owner=action, rows=indicators)
    _after_commit_bump()
    return action


@transaction.atomic
def local_action_update(
    *,
    action: LocalAction,
    updated_by: User,
    data: Mapping,
    proposals: Iterable[Proposal] | None = None,
    indicators: Sequence[Mapping] = (),
) -> LocalAction:
    _require(updated_by, "actionplan.change_localaction", action)
    _apply(action, data, TRACKED_FIELDS)
    action.full_clean(exclude=["proposals"])
    action.save()
    if proposals is not None:
        proposals = list(proposals)
        if any(p.territory_id != action.territory_id for p in proposals):
            raise ValidationError({"proposals": [_("Choisissez des propositions du territoire.")]})
        action.proposals.set(proposals)
    _sync_indicators(owner=action, rows=indicators)
    _after_commit_bump()
    return action


@transaction.atomic
def local_action_record_progress(
    *,
    action: LocalAction,
    author: User,
    date: datetime.date,
    text: str,
    status: str,
    progress: int,
    abandon_reason: str = "",
    values: Mapping[int, Decimal] | None = None,
) -> ProgressUpdate:
    _require(author, "actionplan.change_localaction", action)
    return _record_progress(
        target=action,
        author=author,
        date=date,
        text=text,
        status=status,
        progress=progress,
        abandon_reason=abandon_reason,
        values=values or {},
    )


# --- Participants -------------------------------------------------------------------------


@transaction.atomic
def follow_up_preference_set(*, user: User, notify_measure_status: bool) -> FollowUpPreference:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    preference, _created = FollowUpPreference.objects.update_or_create(
        user=user, defaults={"notify_measure_status": notify_measure_status}
    )
    return preference
