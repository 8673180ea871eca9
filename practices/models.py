"""Significant practices: a structured description, attachments, moderation, sharing."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from egts.models import ActorCategory
from egts.moderation import Moderated, ModeratedQuerySet, ModerationStatus
from egts.search import FrenchSearchMixin
from egts.uploads import EXTENSIONS, stored_name

# Created by migration 0002 when missing (french stemming + unaccent).

TITLE_MIN_LENGTH = 3
TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 600
SECTION_MAX_LENGTH = 10_000
ORGANISATION_MAX_LENGTH = 200
TAG_MAX_LENGTH = 60

# The structured sections, in reading order; the moderator may edit each before publishing.
SECTION_FIELDS = (
    "context",
    "people_concerned",
    "actors",
    "implementation",
    "results",
    "transfer_conditions",
)
PUBLIC_TEXT_FIELDS = ("title", "summary", *SECTION_FIELDS, "organisation")
# What a practice must have before it can be sent to moderation.
REQUIRED_FOR_SUBMISSION = ("title", "summary", *SECTION_FIELDS, "organisation")


class PracticeQuerySet(FrenchSearchMixin, ModeratedQuerySet):
    search_fields = ("title", "summary", "implementation", "organisation")

    """Drafts belong to their author alone: every shared read leaves them out."""

    def submitted(self):
        return self.filter(is_draft=False)

    def published(self):
        return self.filter(status=ModerationStatus.PUBLISHED, is_draft=False)

    def pending(self):
        return self.filter(status=ModerationStatus.PENDING, is_draft=False)

    def for_territory(self, territory):
        return super().for_territory(territory).filter(is_draft=False)

    def moderated_by(self, user):
        return super().moderated_by(user).filter(is_draft=False)

    def authored_by(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(author=user)

    def visible_to(self, user):
        """Published practices, the user's own (drafts included), and those they moderate."""
        if not getattr(user, "is_authenticated", False):
            return self.published()
        if user.is_national_team:
            return self.filter(Q(is_draft=False) | Q(author=user))
        from egts.rules import copil_territory_ids

        return self.filter(
            Q(status=ModerationStatus.PUBLISHED, is_draft=False)
            | Q(author=user)
            | Q(territory_id__in=copil_territory_ids(user), is_draft=False)
        )

    def shared_with(self, territory_ids):
        return self.published().filter(shares__territory_id__in=territory_ids).distinct()

    def with_references(self):
        """Everything a card or an API item shows, in a constant number of queries."""
        return self.select_related("territory", "department").prefetch_related(
            "themes", "policies", "tags"
        )


class PracticeTag(models.Model):
    """A free keyword a moderator adds to help people find a practice."""

    name = models.CharField(_("mot-clé"), max_length=TAG_MAX_LENGTH, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=TAG_MAX_LENGTH + 10, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")

    def __str__(self) -> str:
        return self.name


class Practice(Moderated):
    """A significant practice from the field, described in structured sections."""

    is_draft = models.BooleanField(
        _("brouillon"),
        default=True,
        db_index=True,
        help_text=_("Un brouillon n'est visible que de son auteur."),
    )
    current_step = models.PositiveSmallIntegerField(_("dernière étape enregistrée"), default=1)
    title = models.CharField(_("titre"), max_length=TITLE_MAX_LENGTH)
    summary = models.TextField(_("résumé"), max_length=SUMMARY_MAX_LENGTH, blank=True)
    context = models.TextField(_("contexte et besoin"), max_length=SECTION_MAX_LENGTH, blank=True)
    people_concerned = models.TextField(
        _("personnes concernées"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    actors = models.TextField(
        _("acteurs et partenaires"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    implementation = models.TextField(_("mise en œuvre"), max_length=SECTION_MAX_LENGTH, blank=True)
    results = models.TextField(
        _("résultats et évaluation"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    transfer_conditions = models.TextField(
        _("conditions de transfert"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    organisation = models.CharField(
        _("structure porteuse"), max_length=ORGANISATION_MAX_LENGTH, blank=True
    )
    department = models.ForeignKey(
        "egts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("département"),
    )
    themes = models.ManyToManyField(
        "egts.Theme", related_name="practices", blank=True, verbose_name=_("thèmes transverses")
    )
    policies = models.ManyToManyField(
        "egts.Policy", related_name="practices", blank=True, verbose_name=_("politiques sociales")
    )
    actor_category = models.CharField(
        _("catégorie d'acteur"), max_length=30, choices=ActorCategory.choices, blank=True
    )
    contact_email = models.EmailField(
        _("adresse de contact"),
        blank=True,
        help_text=_("Jamais publiée : seules les équipes de modération la voient."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("auteur"),
    )
    featured = models.BooleanField(_("mise en avant"), default=False, db_index=True)
    tags = models.ManyToManyField(
        PracticeTag, related_name="practices", blank=True, verbose_name=_("mots-clés")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    # Kept up to date by the services on PostgreSQL; its GIN index comes from migration 0002.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        # Newest publications first; the partial index below serves both this order and the
        # catalogue's count without reading the wide rows.
        ordering = ["-published_at", "-id"]
        verbose_name = _("pratique significative")
        verbose_name_plural = _("pratiques significatives")
        indexes = [
            models.Index(fields=["status", "is_draft", "territory"], name="practice_queue"),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status=ModerationStatus.PUBLISHED, is_draft=False),
                name="practice_catalogue",
            ),
            models.Index(
                fields=["territory", "-published_at", "-id"],
                condition=Q(status=ModerationStatus.PUBLISHED, is_draft=False),
                name="practice_catalogue_territory",
            ),
        ]

    @classmethod
    def public_page_tags(cls, practices) -> set[str]:
        """The cached catalogue pages that can show these practices (egts/cache.py); their
        own pages follow ``practice_pages_changed()``."""
        from .pages import practice_tags

        return practice_tags(practices)

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", kwargs={"pk": self.pk})

    @property
    def is_editable_by_author(self) -> bool:
        return self.is_draft or self.status in (
            ModerationStatus.PENDING,
            ModerationStatus.CHANGES_REQUESTED,
        )

    def sections(self) -> list[tuple[str, str]]:
        """(label, text) of each structured section that has text, in reading order."""
        return [
            (str(self._meta.get_field(name).verbose_name).capitalize(), getattr(self, name))
            for name in SECTION_FIELDS
            if getattr(self, name)
        ]


def attachment_path(instance: PracticeAttachment, filename: str) -> str:
    """A random name in the practice's folder: the uploaded name never reaches the disk."""
    return stored_name(f"practices/{instance.practice_id}", instance.content_type)


class PracticeAttachment(models.Model):
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("pratique")
    )
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("nom du fichier"), max_length=120)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "practices:attachment-download",
            kwargs={"pk": self.practice_id, "attachment_id": self.pk},
        )

    @property
    def extension_label(self) -> str:
        return EXTENSIONS.get(self.content_type, "").upper()


class PracticeShare(models.Model):
    """A published practice offered to another territory's workspace (essaimage)."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="shares", verbose_name=_("pratique")
    )
    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.CASCADE,
        related_name="shared_practices",
        verbose_name=_("territoire destinataire"),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partagée par"),
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    shared_at = models.DateTimeField(_("partagée le"), auto_now_add=True)

    class Meta:
        ordering = ["-shared_at", "-id"]
        verbose_name = _("partage de pratique")
        verbose_name_plural = _("partages de pratiques")
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "territory"], name="practice_share_once_per_territory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice} → {self.territory}"
