"""Moderation and curation: decisions, public text, keywords, the featured mark."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from egts.decision_notices import notify_author, notify_authors_after_commit
from egts.moderation import (
    Decision,
    ModerationError,
    ModerationStatus,
    apply_bulk_decision,
    apply_decision,
)

from ..models import (
    PUBLIC_TEXT_FIELDS,
    REQUIRED_FOR_SUBMISSION,
    TAG_MAX_LENGTH,
    Practice,
    PracticeTag,
)
from ..pages import practice_pages_changed
from .common import _catalogue_changed, _flags, _screen_names_after_commit, refresh_search_vectors

MAX_TAGS = 10


def _check_moderator(*, moderator, practice: Practice) -> None:
    if not moderator.has_perm("practices.moderate_practice", practice):
        raise PermissionDenied


def _clean_published_fields(published_fields: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name, value in published_fields.items():
        if name not in PUBLIC_TEXT_FIELDS:
            errors[name] = [_("Ce champ ne peut pas être modifié par la modération.")]
            continue
        if not isinstance(value, str):
            errors[name] = [_("Saisissez un texte.")]
            continue
        value = value.strip()
        field = Practice._meta.get_field(name)
        if not value and name in REQUIRED_FOR_SUBMISSION:
            errors[name] = [_("Ce texte ne peut pas être vide.")]
        elif field.max_length and len(value) > field.max_length:
            errors[name] = [
                _("%(max)s caractères au plus (%(length)s saisis).")
                % {"max": field.max_length, "length": len(value)}
            ]
        else:
            cleaned[name] = value
    if errors:
        raise ModerationError(errors, code="invalid")
    return cleaned


def _clean_tags(tags: Sequence[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for raw in tags:
        if not isinstance(raw, str):
            raise ModerationError({"tags": [_("Chaque mot-clé doit être un texte.")]})
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ModerationError(
                {
                    "tags": [
                        _("Un mot-clé compte au plus %(max)s caractères.") % {"max": TAG_MAX_LENGTH}
                    ]
                }
            )
        slug = slugify(name)
        if not slug:
            raise ModerationError({"tags": [_("Mot-clé invalide : %(name)s.") % {"name": name}]})
        if slug not in seen:
            seen.add(slug)
            names.append(name)
    if len(names) > MAX_TAGS:
        raise ModerationError(
            {"tags": [_("%(max)s mots-clés au plus.") % {"max": MAX_TAGS}]}, code="max"
        )
    return names


def _set_tags(practice: Practice, names: Sequence[str]) -> None:
    # The slug identifies a tag, so "Accès aux droits" and "acces aux droits" are one tag.
    tags = [
        PracticeTag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in names
    ]
    practice.tags.set(tags)


@transaction.atomic
def practice_curate(
    *,
    practice: Practice,
    moderator,
    published_fields: Mapping[str, str] | None = None,
    tags: Sequence[str] | None = None,
    featured: bool | None = None,
) -> Practice:
    """Edit the public text, the keywords and (national team) the featured mark."""
    _check_moderator(moderator=moderator, practice=practice)
    if featured is not None and featured != practice.featured:
        if not moderator.has_perm("practices.feature_practice", practice):
            raise PermissionDenied
        practice.featured = featured
    if published_fields:
        for name, value in _clean_published_fields(published_fields).items():
            setattr(practice, name, value)
        practice.flags = _flags(practice)
        _screen_names_after_commit(practice)
    if tags is not None:
        _set_tags(practice, _clean_tags(tags))
    practice.save()
    refresh_search_vectors([practice.pk])
    practice_pages_changed([practice])
    if practice.is_published:
        _catalogue_changed(practice)
    return practice


def _notify_author(practice: Practice) -> None:
    """Tell the author what happened to their practice."""
    from django.urls import reverse

    notify_author(
        practice,
        subjects={
            ModerationStatus.PUBLISHED: _("Votre pratique est publiée"),
            ModerationStatus.REJECTED: _("Votre pratique n'a pas été publiée"),
            ModerationStatus.CHANGES_REQUESTED: _(
                "Des modifications sont demandées sur votre pratique"
            ),
        },
        context={
            "practice_url": practice.get_absolute_url(),
            "edit_url": reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 1}),
        },
    )


@transaction.atomic
def practice_moderate(
    *,
    practice: Practice,
    moderator,
    decision: str,
    reason: str = "",
    message: str = "",
    published_fields: Mapping[str, str] | None = None,
    tags: Sequence[str] | None = None,
) -> Practice:
    """Publish, reject or ask for changes; log the decision and e-mail the author."""
    _check_moderator(moderator=moderator, practice=practice)
    if decision == Decision.RESUBMIT:
        raise ModerationError(
            {"decision": [_("Seul l'auteur peut soumettre à nouveau sa pratique.")]},
            code="invalid",
        )
    if decision == Decision.REQUEST_CHANGES and not (message or "").strip():
        raise ModerationError(
            {"message": [_("Expliquez à l'auteur ce qu'il doit modifier.")]}, code="required"
        )
    if published_fields or tags is not None:
        practice_curate(
            practice=practice, moderator=moderator, published_fields=published_fields, tags=tags
        )
    apply_decision(
        item=practice,
        decided_by=moderator,
        decision=decision,
        reason=reason,
        message=(message or "").strip(),
        allow_request_changes=True,
        update_fields=["updated_at"],
    )
    refresh_search_vectors([practice.pk])
    practice_pages_changed([practice])
    transaction.on_commit(lambda: _notify_author(practice))
    return practice


@transaction.atomic
def practices_bulk_moderate(
    *,
    practices: Iterable[Practice],
    moderator,
    decision: str,
    reason: str = "",
    message: str = "",
) -> list[Practice]:
    """One decision for a selection of the queue; refused as a whole if one item is not allowed."""
    practices = list(practices)
    for practice in practices:
        _check_moderator(moderator=moderator, practice=practice)
    if decision == Decision.RESUBMIT:
        raise ModerationError(
            {"decision": [_("Seul l'auteur peut soumettre à nouveau sa pratique.")]},
            code="invalid",
        )
    if decision == Decision.REQUEST_CHANGES:
        if not (message or "").strip():
            raise ModerationError(
                {"message": [_("Expliquez à l'auteur ce qu'il doit modifier.")]},
                code="required",
            )
        # The shared bulk helper refuses request_changes: one decision each, still atomic.
        for practice in practices:
            apply_decision(
                item=practice,
                decided_by=moderator,
                decision=decision,
                message=message.strip(),
                allow_request_changes=True,
            )
    else:
        apply_bulk_decision(
            items=practices,
            decided_by=moderator,
            decision=decision,
            reason=reason,
            message=message,
        )
    Practice.objects.filter(pk__in=[p.pk for p in practices]).update(updated_at=timezone.now())
    refresh_search_vectors(p.pk for p in practices)
    practice_pages_changed(practices)
    notify_authors_after_commit(practices, moderator=moderator, notify=_notify_author)
    return practices


@transaction.atomic
def practice_feature(*, practice: Practice, user, featured: bool) -> Practice:
    """The national team puts a practice forward in the catalogue (or takes it back)."""
    if not user.has_perm("practices.feature_practice", practice):
        raise PermissionDenied
    practice.featured = featured
    practice.save(update_fields=["featured", "updated_at"])
    practice_pages_changed([practice])
    if practice.is_published:
        _catalogue_changed(practice)
    return practice
