"""The documentation centre: studies, reports, method guides and minutes of the démarche.

A document belongs to a territory or is national; it stays visible to its territory
(and to the territories it is shared with) until the national team or a COPIL of its
territory makes it public.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egts.search import FrenchSearchMixin
from egts.uploads import EXTENSIONS, stored_name

# Created by the contributions and practices migrations (french stemming + unaccent);
# this app's migration creates it too when missing, so the apps migrate in any order.

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 5_000


class DocumentKind(models.TextChoices):
    STUDY = "study", _("Étude")
    REPORT = "report", _("Rapport")
    METHOD_GUIDE = "method_guide", _("Guide de méthode")
    MINUTES = "minutes", _("Compte rendu")
    OTHER = "other", _("Autre")


class DocumentQuerySet(FrenchSearchMixin, models.QuerySet):
    search_fields = ("title", "summary", "author")

    def public(self):
        return self.filter(is_public=True)

    def visible_to(self, user):
        """Public documents; for back-office users also their territories' and shared ones."""
        if not getattr(user, "is_authenticated", False):
            return self.public()
        if user.is_national_team:
            return self
        from egts.rules import member_territory_ids

        territory_ids = member_territory_ids(user)
        shared = DocumentShare.objects.filter(territory_id__in=territory_ids).values("document_id")
        return self.filter(
            Q(is_public=True)
            | Q(created_by=user)
            | Q(territory_id__in=territory_ids)
            | Q(pk__in=shared)
        )

    def with_references(self):
        return self.select_related("territory").prefetch_related("themes", "policies")


def document_path(instance: Document, filename: str) -> str:
    """A random name: the uploaded name never reaches the disk."""
    return stored_name("documents", instance.content_type)


class Document(models.Model):
    title = models.CharField(_("titre"), max_length=TITLE_MAX_LENGTH)
    kind = models.CharField(_("type de document"), max_length=20, choices=DocumentKind.choices)
    author = models.CharField(_("auteur ou organisme"), max_length=200)
    date = models.DateField(_("date du document"))
    themes = models.ManyToManyField(
        "egts.Theme", blank=True, related_name="+", verbose_name=_("thèmes transverses")
    )
    policies = models.ManyToManyField(
        "egts.Policy", blank=True, related_name="+", verbose_name=_("politiques sociales")
    )
    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("territoire"),
        help_text=_("Vide : document national."),
    )
    summary = models.TextField(_("résumé"), max_length=SUMMARY_MAX_LENGTH)
    file = models.FileField(_("fichier"), upload_to=document_path, max_length=200, blank=True)
    file_name = models.CharField(_("nom du fichier"), max_length=120, blank=True)
    content_type = models.CharField(_("type de contenu"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), null=True, blank=True)
    url = models.URLField(_("lien"), max_length=500, blank=True)
    is_public = models.BooleanField(_("public"), default=False, db_index=True)
    published_at = models.DateTimeField(_("rendu public le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("ajouté le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # Kept up to date by the services on PostgreSQL; its GIN index comes from migration 0002.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", kwargs={"pk": self.pk})

    @property
    def download_url(self) -> str:
        return reverse("documents:download", kwargs={"pk": self.pk}) if self.file else ""

    @property
    def extension_label(self) -> str:
        return EXTENSIONS.get(self.content_type, "").upper()


class DocumentShare(models.Model):
    """A document offered to another territory before (or after) it is public."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="shares")
    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.CASCADE,
        related_name="shared_documents",
        verbose_name=_("territoire destinataire"),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(_("partagé le"), default=timezone.now)

    class Meta:
        ordering = ["territory__order"]
        verbose_name = _("partage de document")
        verbose_name_plural = _("partages de documents")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "territory"], name="document_share_once_per_territory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.territory}"
