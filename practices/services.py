"""Every write of the practices app: drafts, submission, attachments, moderation, sharing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from egts import resubmission
from egts.cache import expire_public_tags
from egts.models import Territory
from egts.moderation import (
    Decision,
    Flag,
    ModerationError,
    ModerationStatus,
    RejectReason,
    apply_bulk_decision,
    apply_decision,
    detect_personal_data,
)
from egts.search import SEARCH_CONFIG

from .models import (
    PUBLIC_TEXT_FIELDS,
    REQUIRED_FOR_SUBMISSION,
    TAG_MAX_LENGTH,
    Practice,
    PracticeAttachment,
    PracticeShare,
    PracticeTag,
)
from .pages import practice_pages_changed, practice_pages_deleted, practice_tags
from .uploads import check_upload

# Fields a step of the form (or the API) may set; relations are handled apart.
TEXT_FIELDS = (*PUBLIC_TEXT_FIELDS, "contact_email")
MAX_TAGS = 10


def refresh_search_vectors(ids: Iterable[int]) -> None:
    """Recompute the stored search vector: the title weighs most, then the summary."""
    ids = list(ids)
    if not ids or connection.vendor != "postgresql":
        return
    Practice.objects.filter(pk__in=ids).update(
        search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", "organisation", weight="B", config=SEARCH_CONFIG)
        + SearchVector(
            "context",
            "people_concerned",
            "actors",
            "implementation",
            "results",
            "transfer_conditions",
            weight="C",
            config=SEARCH_CONFIG,
        )
    )


def _catalogue_changed(practice: Practice) -> None:
    tags = practice_tags([practice])
    transaction.on_commit(lambda: expire_public_tags(tags))


def _flags(practice: Practice) -> list[str]:
    """The pattern flags only: spaCy's names are left to a task after commit (below)."""
    kept = [Flag.NAME] if Flag.NAME in practice.flags else []
    found = detect_personal_data(
        *(getattr(practice, name) for name in PUBLIC_TEXT_FIELDS), with_names=False
    )
    # A name the task found stays until it looks again at the new text.
    return [flag.value for flag in Flag if flag.value in {*found, *kept}]


def _screen_names_after_commit(practice: Practice) -> None:
    from analysis.tasks import screen_practice_names

    pk = practice.pk
    transaction.on_commit(lambda: screen_practice_names.delay(pk), robust=True)


def _check_author(*, practice: Practice, author) -> None:
    if not author.has_perm("practices.change_practice", practice):
        raise PermissionDenied


def _apply_data(practice: Practice, data: Mapping) -> None:
    for name in TEXT_FIELDS:
        if name in data:
            value = data[name]
            setattr(practice, name, (value or "").strip())
    if "department" in data:
        department = data["department"]
        practice.department = department
        practice.territory_id = department.region.territory_id if department else None


# --- The author's side ------------------------------------------------------------------


def _sent(data: Mapping) -> dict:
    """What was sent, JSON-ready for a fingerprint: texts as typed, references by code."""
    sent = {}
    for name, value in data.items():
        if isinstance(value, str) or value is None:
            sent[name] = value
        elif hasattr(value, "__iter__"):
            sent[name] = sorted(str(getattr(item, "pk", item)) for item in value)
        else:
            sent[name] = str(getattr(value, "pk", value))
    return sent


def _once(*, author, scope: str, sent, create, earlier):
    """``create()`` unless the author sent the same within the window (egts/resubmission.py):
    a double click or a retried request gives back what the first sending created (found
    in the ``earlier`` queryset), not a copy."""
    created, _is_new = resubmission.submit_once(
        sender=resubmission.user_sender(author),
        author=author,
        fingerprint=resubmission.fingerprint(scope, sent),
        create=create,
        find=lambda pk: earlier.filter(pk=pk).first(),
    )
    return created


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


def practice_attach(*, practice: Practice, author, uploaded) -> PracticeAttachment:
    """Keep one checked file under a random name; refuse it with a clear message otherwise.
    The same file sent again to the same practice is the attachment it already has."""
    _check_author(practice=practice, author=author)
    content = hashlib.sha256()
    for chunk in uploaded.chunks():
        content.update(chunk)
    uploaded.seek(0)
    return _once(
        author=author,
        scope="practice_attachment",
        sent=[practice.pk, uploaded.name, uploaded.size, content.hexdigest()],
        create=lambda: _attach(practice=practice, author=author, uploaded=uploaded),
        earlier=PracticeAttachment.objects.filter(practice=practice),
    )


@transaction.atomic
def _attach(*, practice: Practice, author, uploaded) -> PracticeAttachment:
    # Locking the practice row makes "at most five" hold against two simultaneous uploads.
    Practice.objects.select_for_update().filter(pk=practice.pk).first()
    checked = check_upload(uploaded, existing_count=practice.attachments.count())
    attachment = PracticeAttachment(
        practice=practice, name=checked.name, content_type=checked.content_type, size=checked.size
    )
    uploaded.seek(0)
    attachment.file.save("upload", uploaded, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    Practice.objects.filter(pk=practice.pk).update(updated_at=timezone.now())
    practice_pages_changed([practice])
    return attachment


@transaction.atomic
def practice_detach(*, practice: Practice, author, attachment: PracticeAttachment) -> None:
    _check_author(practice=practice, author=author)
    if attachment.practice_id != practice.pk:
        raise PermissionDenied
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    Practice.objects.filter(pk=practice.pk).update(updated_at=timezone.now())
    practice_pages_changed([practice])
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def practice_delete_draft(*, practice: Practice, author) -> None:
    """An author abandons a draft: it and its files disappear."""
    _check_author(practice=practice, author=author)
    if not practice.is_draft:
        raise ValidationError({"non_field_errors": [_("Seul un brouillon peut être supprimé.")]})
    delete_with_files(Practice.objects.filter(pk=practice.pk))


def delete_with_files(practices) -> None:
    """Delete practices and, after the commit, their stored files."""
    files = list(
        PracticeAttachment.objects.filter(practice__in=practices).values_list("file", flat=True)
    )
    practice_pages_deleted(practices.values_list("pk", flat=True))
    practices.delete()
    if files:
        from django.core.files.storage import default_storage

        def remove():
            for name in files:
                default_storage.delete(name)

        transaction.on_commit(remove)


# --- Moderation and curation -----------------------------------------------------------


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
    author = practice.author
    if author is None or not author.email:
        return
    templates = {
        ModerationStatus.PUBLISHED: ("published", _("Votre pratique est publiée")),
        ModerationStatus.REJECTED: ("rejected", _("Votre pratique n'a pas été publiée")),
        ModerationStatus.CHANGES_REQUESTED: (
            "changes_requested",
            _("Des modifications sont demandées sur votre pratique"),
        ),
    }
    if practice.status not in templates:
        return
    template, subject = templates[practice.status]
    from django.urls import reverse

    context = {
        "practice": practice,
        "reason": RejectReason(practice.moderation_reason).label
        if practice.moderation_reason
        else "",
        "message": practice.moderation_message,
        "site_url": settings.SITE_URL.rstrip("/"),
        "practice_url": practice.get_absolute_url(),
        "edit_url": reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 1}),
    }
    send_mail(
        subject=f"[EGTS] {subject}",
        message=render_to_string(f"emails/practices/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[author.email],
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
    authors = {
        u.pk: u
        for u in type(moderator)
        .objects.filter(pk__in={p.author_id for p in practices if p.author_id})
        .only("pk", "email")
    }
    for practice in practices:
        practice.author = authors.get(practice.author_id)

    def notify_all():
        for practice in practices:
            _notify_author(practice)

    transaction.on_commit(notify_all)
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


# --- Sharing between territories ---------------------------------------------------------


@transaction.atomic
def practice_share(
    *,
    practice: Practice,
    shared_by,
    territories: Iterable[Territory],
    message: str = "",
) -> list[PracticeShare]:
    """Offer a published practice to other territories' workspaces; sharing twice is harmless."""
    if not shared_by.has_perm("practices.share_practice", practice):
        raise PermissionDenied
    territories = [t for t in territories if t.pk != practice.territory_id]
    if not territories:
        raise ValidationError(
            {
                "territories": [
                    _("Choisissez au moins un autre territoire que celui de la pratique.")
                ]
            }
        )
    already = set(
        PracticeShare.objects.filter(practice=practice, territory__in=territories).values_list(
            "territory_id", flat=True
        )
    )
    shares = [
        PracticeShare(
            practice=practice,
            territory=territory,
            shared_by=shared_by,
            message=(message or "").strip(),
        )
        for territory in territories
        if territory.pk not in already
    ]
    PracticeShare.objects.bulk_create(shares, ignore_conflicts=True)
    return shares
