"""The pre-diagnosis hypotheses and reviews, proposals and territorial reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import TerritorialQuerySet, _is_signed_in
from .groups import WorkingGroup


class HypothesisQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Hypothesis(models.Model):
    """A statement of the national état des lieux that each territory reviews."""

    statement = models.TextField(_("énoncé"))
    theme = models.ForeignKey(
        "egts.Theme", on_delete=models.PROTECT, related_name="+", verbose_name=_("thème")
    )
    policy = models.ForeignKey(
        "egts.Policy",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("politique sociale"),
    )
    is_published = models.BooleanField(_("publiée"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = HypothesisQuerySet.as_manager()

    # A hypothesis is national: no territory, so territorial predicates never match it.
    territory_id = None

    class Meta:
        ordering = ["theme__order", "id"]
        verbose_name = _("hypothèse du pré-diagnostic")
        verbose_name_plural = _("hypothèses du pré-diagnostic")

    def __str__(self) -> str:
        return self.statement[:80]


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmée")
    REFINED = "refined", _("Précisée")
    INVALIDATED = "invalidated", _("Infirmée")


class HypothesisReview(models.Model):
    hypothesis = models.ForeignKey(Hypothesis, on_delete=models.CASCADE, related_name="reviews")
    territory = models.ForeignKey(
        "egts.Territory", on_delete=models.CASCADE, related_name="+", verbose_name=_("territoire")
    )
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    argument = models.TextField(_("argumentaire"))
    refined_statement = models.TextField(_("nouvelle formulation"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    supporting_contributions = models.ManyToManyField(
        "contributions.Contribution",
        blank=True,
        related_name="+",
        verbose_name=_("contributions à l'appui"),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TerritorialQuerySet.as_manager()

    class Meta:
        ordering = ["hypothesis_id", "territory__order"]
        verbose_name = _("avis sur une hypothèse")
        verbose_name_plural = _("avis sur les hypothèses")
        constraints = [
            models.UniqueConstraint(
                fields=["hypothesis", "territory"], name="one_review_per_hypothesis_and_territory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hypothesis} — {self.get_verdict_display()}"


class Level(models.TextChoices):
    LOCAL = "local", _("Local")
    DEPARTMENTAL = "departmental", _("Départemental")
    REGIONAL = "regional", _("Régional")
    NATIONAL = "national", _("National")


class Priority(models.TextChoices):
    HIGH = "high", _("Haute")
    MEDIUM = "medium", _("Moyenne")
    LOW = "low", _("Basse")


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    VALIDATED = "validated", _("Validée par le COPIL")
    FORWARDED = "forwarded", _("Transmise à l'équipe nationale")


class ProposalQuerySet(TerritorialQuerySet):
    def visible_to(self, user):
        """As territorial objects, plus a facilitator's own groups' proposals."""
        from egts.rules import copil_territory_ids

        if not _is_signed_in(user):
            return self.none()
        if user.is_national_team:
            return self
        return self.filter(
            models.Q(territory_id__in=copil_territory_ids(user))
            | models.Q(working_group__facilitator=user)
        )

    def ranked(self):
        return self.exclude(status=ProposalStatus.DRAFT).order_by(
            models.F("rank").asc(nulls_last=True), "id"
        )


class Proposal(models.Model):
    """A lever of action drafted by a working group and validated by the COPIL."""

    territory = models.ForeignKey(
        "egts.Territory", on_delete=models.CASCADE, related_name="+", verbose_name=_("territoire")
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("groupe de travail"),
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"))
    theme = models.ForeignKey(
        "egts.Theme", on_delete=models.PROTECT, related_name="+", verbose_name=_("thème")
    )
    policy = models.ForeignKey(
        "egts.Policy",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("politique sociale"),
    )
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices)
    owner = models.CharField(
        _("porteur"), max_length=200, help_text=_("Qui met en œuvre ce levier d'action.")
    )
    priority = models.CharField(
        _("priorité"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    deadline = models.DateField(_("échéance"), null=True, blank=True)
    indicators = models.TextField(_("indicateurs de suivi"), blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    rank = models.PositiveIntegerField(_("rang"), null=True, blank=True)
    related_contributions = models.ManyToManyField(
        "contributions.Contribution",
        blank=True,
        related_name="+",
        verbose_name=_("contributions liées"),
    )
    related_practices = models.ManyToManyField(
        "practices.Practice", blank=True, related_name="+", verbose_name=_("pratiques liées")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assises:proposal-detail", kwargs={"pk": self.pk})


class ReportQuerySet(TerritorialQuerySet):
    pass


def report_pdf_path(instance, filename: str) -> str:
    return f"assises/reports/{instance.territory_id}/{filename}"


class TerritorialReport(models.Model):
    """A submitted, frozen version of a territory's restitution."""

    territory = models.ForeignKey(
        "egts.Territory", on_delete=models.CASCADE, related_name="+", verbose_name=_("territoire")
    )
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("contenu figé"))
    pdf = models.FileField(_("PDF"), upload_to=report_pdf_path)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("soumis le"), default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("rapport territorial")
        verbose_name_plural = _("rapports territoriaux")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "version"], name="one_report_version_per_territory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.territory_id} v{self.version}"
