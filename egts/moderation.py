"""What every moderated object shares: its states, the allowed moves, the decision log.

Contributions and practices inherit ``Moderated``; their services call
``apply_decision`` (one item) or ``apply_bulk_decision`` (a queue selection), which
check the move, update the item and write one ``ModerationDecision`` per item.
Sending mail stays with the app's service, which knows what to tell the author.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Re-exported: callers find everything about moderation here.
from .flagged_text import FRAGMENT_LABELS, flagged_fragments, highlighted_html  # noqa: F401


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de modération")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    PUBLISHED = "published", _("Publiée")
    REJECTED = "rejected", _("Refusée")


class Decision(models.TextChoices):
    PUBLISH = "publish", _("Publier")
    REJECT = "reject", _("Refuser")
    REQUEST_CHANGES = "request_changes", _("Demander des modifications")
    RESUBMIT = "resubmit", _("Soumettre à nouveau")


class RejectReason(models.TextChoices):
    OFF_TOPIC = "off_topic", _("Hors sujet")
    PERSONAL_DATA = "personal_data", _("Contient des données personnelles")
    OFFENSIVE = "offensive", _("Propos injurieux ou discriminatoires")
    SPAM = "spam", _("Publicité ou spam")
    DUPLICATE = "duplicate", _("Doublon")
    OTHER = "other", _("Autre motif")


class Flag(models.TextChoices):
    EMAIL = "email", _("Contient une adresse électronique")
    PHONE = "phone", _("Contient un numéro de téléphone")
    NAME = "name", _("Contient le nom d'une personne")
    ADDRESS = "address", _("Contient une adresse postale")
    BIRTH_DATE = "birth_date", _("Contient une date de naissance")


# Which decision moves an item from which state to which state.
TRANSITIONS: dict[str, dict[str, str]] = {
    Decision.PUBLISH: {
        ModerationStatus.PENDING: ModerationStatus.PUBLISHED,
        ModerationStatus.REJECTED: ModerationStatus.PUBLISHED,
    },
    Decision.REJECT: {
        ModerationStatus.PENDING: ModerationStatus.REJECTED,
        ModerationStatus.PUBLISHED: ModerationStatus.REJECTED,
        ModerationStatus.CHANGES_REQUESTED: ModerationStatus.REJECTED,
    },
    Decision.REQUEST_CHANGES: {
        ModerationStatus.PENDING: ModerationStatus.CHANGES_REQUESTED,
    },
    Decision.RESUBMIT: {
        ModerationStatus.CHANGES_REQUESTED: ModerationStatus.PENDING,
    },
}


def detect_personal_data(*texts: str, with_names: bool = True) -> list[str]:
    """Flags for the personal data found in free text: e-mail addresses, phone numbers,
    person names, postal addresses and dates of birth (``egts.personal_data``).

    ``with_names=False`` is for the request path: the patterns (and titled names) only,
    spaCy's slow recogniser being left to the task that screens the item after commit."""
    from .personal_data import personal_data

    found = personal_data("\n".join(t for t in texts if t), with_names=with_names)
    return [flag.value for flag in Flag if flag.value in found]


class ModeratedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ModerationStatus.PUBLISHED)

    def pending(self):
        return self.filter(status=ModerationStatus.PENDING)

    def for_territory(self, territory):
        """Items of a territory; ``None`` means the national queue."""
        if territory is None:
            return self.filter(territory__isnull=True)
        return self.filter(territory=territory)

    def moderated_by(self, user):
        """Items the user may moderate: national team all, COPIL their territories."""
        from .rules import copil_territory_ids

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_national_team:
            return self
        return self.filter(territory_id__in=copil_territory_ids(user))


class Moderated(models.Model):
    """Fields every moderated object carries."""

    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        # No index of its own: each concrete model's queue index starts with the status, and
        # every extra index is one more write on each submission.
    )
    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territoire"),
        help_text=_("Vide : file de modération nationale."),
    )
    flags = models.JSONField(_("signalements automatiques"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("soumise le"), default=timezone.now, db_index=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, db_index=True)
    moderation_reason = models.CharField(
        _("motif"), max_length=20, choices=RejectReason.choices, blank=True
    )
    moderation_message = models.TextField(_("message à l'auteur"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == ModerationStatus.PUBLISHED


class ModerationDecisionQuerySet(models.QuerySet):
    def for_territory(self, territory):
        if territory is None:
            return self.filter(territory__isnull=True)
        return self.filter(territory=territory)

    def visible_to(self, user):
        from .rules import copil_territory_ids

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_national_team:
            return self
        return self.filter(territory_id__in=copil_territory_ids(user))


class ModerationDecision(models.Model):
    """One line of the moderation log: who decided what, when and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    item_title = models.CharField(_("titre"), max_length=300, blank=True)
    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation_decisions",
        verbose_name=_("territoire"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_decisions",
        verbose_name=_("par"),
    )
    decided_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    decision = models.CharField(_("décision"), max_length=20, choices=Decision.choices)
    from_status = models.CharField(max_length=20, choices=ModerationStatus.choices)
    to_status = models.CharField(max_length=20, choices=ModerationStatus.choices)
    reason = models.CharField(_("motif"), max_length=20, choices=RejectReason.choices, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = ModerationDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("décision de modération")
        verbose_name_plural = _("journal de modération")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} — {self.item_title}"

    @property
    def item_type(self) -> str:
        return self.content_type.model


class ModerationError(ValidationError):
    """A decision that the state machine or the rules refuse."""


def validate_decision(
    *,
    decision: str,
    current_status: str,
    reason: str = "",
    allow_request_changes: bool = False,
) -> str:
    """The status after ``decision``, or a ModerationError saying what is wrong."""
    if decision not in Decision.values:
        raise ModerationError({"decision": [_("Décision inconnue.")]}, code="invalid")
    if decision == Decision.REQUEST_CHANGES and not allow_request_changes:
        raise ModerationError(
            {"decision": [_("Cette décision n'est possible que pour une pratique.")]},
            code="invalid",
        )
    if decision == Decision.REJECT:
        if not reason:
            raise ModerationError({"reason": [_("Indiquez le motif du refus.")]}, code="required")
        if reason not in RejectReason.values:
            raise ModerationError({"reason": [_("Motif de refus inconnu.")]}, code="invalid")
    target = TRANSITIONS[decision].get(current_status)
    if target is None:
        raise ModerationError(
            {
                "decision": [
                    _("Impossible depuis le statut « %(status)s ».")
                    % {"status": ModerationStatus(current_status).label}
                ]
            },
            code="invalid_transition",
        )
    return target


def _public_content_changed(from_status: str, to_status: str) -> bool:
    return ModerationStatus.PUBLISHED in (from_status, to_status) and from_status != to_status


def _expire_public_pages_after_commit(items: list) -> None:
    """After the commit, the cached pages that can show these items go stale, and only
    those: the model's ``public_page_tags(items)`` names them (every page otherwise)."""
    from .cache import SITE_TAG, expire_public_tags

    tags_of = getattr(type(items[0]), "public_page_tags", None)
    tags = tags_of(items) if tags_of is not None else {SITE_TAG}
    transaction.on_commit(lambda: expire_public_tags(tags))


def _apply(item: Moderated, *, decision: str, target: str, reason: str, message: str, now):
    item.status = target
    if decision == Decision.PUBLISH:
        item.published_at = item.published_at or now
        item.moderation_reason = ""
        item.moderation_message = message
    elif decision == Decision.REJECT:
        item.moderation_reason = reason
        item.moderation_message = message
    elif decision == Decision.REQUEST_CHANGES:
        item.moderation_reason = ""
        item.moderation_message = message
    if target != ModerationStatus.PUBLISHED:
        item.published_at = None


@transaction.atomic
def apply_decision(
    *,
    item: Moderated,
    decided_by,
    decision: str,
    reason: str = "",
    message: str = "",
    allow_request_changes: bool = False,
    update_fields: Sequence[str] = (),
) -> ModerationDecision:
    """Move one item through the state machine and log it. Permission is the caller's."""
    target = validate_decision(
        decision=decision,
        current_status=item.status,
        reason=reason,
        allow_request_changes=allow_request_changes,
    )
    now = timezone.now()
    from_status = item.status
    _apply(item, decision=decision, target=target, reason=reason, message=message, now=now)
    item.save(
        update_fields=[
            "status",
            "published_at",
            "moderation_reason",
            "moderation_message",
            *update_fields,
        ]
    )
    if _public_content_changed(from_status, target):
        _expire_public_pages_after_commit([item])
    return ModerationDecision.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        item_title=str(item)[:300],
        territory_id=item.territory_id,
        decided_by=decided_by if getattr(decided_by, "is_authenticated", False) else None,
        decided_at=now,
        decision=decision,
        from_status=from_status,
        to_status=target,
        reason=reason if decision == Decision.REJECT else "",
        message=message,
    )


@transaction.atomic
def apply_bulk_decision(
    *,
    items: Iterable[Moderated],
    decided_by,
    decision: str,
    reason: str = "",
    message: str = "",
) -> list[ModerationDecision]:
    """One decision for many items of one model, in a constant number of queries."""
    items = list(items)
    if not items:
        return []
    model = type(items[0])
    now = timezone.now()
    log = []
    content_type = ContentType.objects.get_for_model(model)
    for item in items:
        target = validate_decision(decision=decision, current_status=item.status, reason=reason)
        log.append(
            ModerationDecision(
                content_type=content_type,
                object_id=item.pk,
                item_title=str(item)[:300],
                territory_id=item.territory_id,
                decided_by=decided_by,
                decided_at=now,
                decision=decision,
                from_status=item.status,
                to_status=target,
                reason=reason if decision == Decision.REJECT else "",
                message=message,
            )
        )
        _apply(item, decision=decision, target=target, reason=reason, message=message, now=now)
    changed = [
        item
        for item, entry in zip(items, log, strict=True)
        if _public_content_changed(entry.from_status, entry.to_status)
    ]
    if changed:
        _expire_public_pages_after_commit(changed)
    model.objects.bulk_update(
        items, ["status", "published_at", "moderation_reason", "moderation_message"], batch_size=500
    )
    return ModerationDecision.objects.bulk_create(log, batch_size=500)
