"""The assise of each territory, its COPIL checkpoints, invitations and offline entries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egts.models import Role

from .base import TerritorialQuerySet


class AssiseStage(models.TextChoices):
    COPIL_LAUNCH = "copil_launch", _("Lancement du COPIL")
    TERRITORIAL_WORK = "territorial_work", _("Travaux territoriaux")
    ASSISES = "assises", _("Assises")
    RESTITUTION = "restitution", _("Restitution")
    FOLLOW_UP = "follow_up", _("Suivi")


STAGE_ORDER = list(AssiseStage.values)


class AssiseQuerySet(TerritorialQuerySet):
    def with_territory(self):
        return self.select_related("territory__theme", "territory__policy")


class Assise(models.Model):
    """One territory's démarche, moving through its stages at COPIL checkpoints."""

    territory = models.OneToOneField(
        "egts.Territory",
        on_delete=models.CASCADE,
        related_name="assise",
        verbose_name=_("territoire"),
    )
    stage = models.CharField(
        _("étape"), max_length=20, choices=AssiseStage.choices, default=AssiseStage.COPIL_LAUNCH
    )
    extra_themes = models.ManyToManyField(
        "egts.Theme", blank=True, related_name="+", verbose_name=_("thèmes complémentaires")
    )
    stage_changed_at = models.DateTimeField(_("étape atteinte le"), default=timezone.now)

    objects = AssiseQuerySet.as_manager()

    class Meta:
        ordering = ["territory__order"]
        verbose_name = _("assise territoriale")
        verbose_name_plural = _("assises territoriales")

    def __str__(self) -> str:
        return str(self.territory)

    def get_absolute_url(self) -> str:
        return reverse("assises:dashboard", kwargs={"slug": self.territory.slug})

    @property
    def stage_number(self) -> int:
        return STAGE_ORDER.index(self.stage) + 1

    @property
    def next_stage(self) -> str | None:
        index = STAGE_ORDER.index(self.stage)
        return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


class CheckpointOutcome(models.TextChoices):
    GO = "go", _("Go : passage à l'étape suivante")
    ADJUST = "adjust", _("Ajustement : l'étape se poursuit")


class Checkpoint(models.Model):
    """The COPIL meeting that closes a stage: only a « go » moves the assise on."""

    territory = models.ForeignKey(
        "egts.Territory", on_delete=models.CASCADE, related_name="+", verbose_name=_("territoire")
    )
    stage = models.CharField(_("étape concernée"), max_length=20, choices=AssiseStage.choices)
    meeting_date = models.DateField(_("date de la réunion du COPIL"))
    decisions = models.TextField(_("décisions"))
    outcome = models.CharField(_("issue"), max_length=10, choices=CheckpointOutcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    objects = TerritorialQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_date", "-id"]
        verbose_name = _("point d'étape du COPIL")
        verbose_name_plural = _("points d'étape du COPIL")

    def __str__(self) -> str:
        return f"{self.get_stage_display()} — {self.meeting_date}"


class InvitationQuerySet(TerritorialQuerySet):
    def open(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use link that gives a role in a territory; only the token's hash is stored."""

    territory = models.ForeignKey(
        "egts.Territory", on_delete=models.CASCADE, related_name="+", verbose_name=_("territoire")
    )
    email = models.EmailField(_("adresse électronique"))
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class OfflineEntry(models.Model):
    """How and where a contribution collected offline was gathered, and who entered it."""

    contribution = models.OneToOneField(
        "contributions.Contribution", on_delete=models.CASCADE, related_name="offline_entry"
    )
    territory = models.ForeignKey(
        "egts.Territory", on_delete=models.CASCADE, related_name="+", verbose_name=_("territoire")
    )
    collected_on = models.DateField(_("date du recueil"))
    place = models.CharField(_("lieu du recueil"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    objects = TerritorialQuerySet.as_manager()

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("contribution recueillie hors ligne")
        verbose_name_plural = _("contributions recueillies hors ligne")

    def __str__(self) -> str:
        return f"{self.contribution} ({self.collected_on})"
