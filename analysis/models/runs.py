"""Analysis runs and the chunks their documents are cut into.

A run is versioned per scope (all territories or one, optionally one theme), like a
synthesis. Its topic model is fitted once on a sample, then every document is assigned
by chunk tasks that several workers share (``AnalysisChunk``), then a finalise step
computes campaigns, sizes, shares and quotes in SQL, and carries over the human edits
of the previous run of the same scope.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminée")
    FAILED = "failed", _("En échec")


class RunPhase(models.TextChoices):
    FIT = "fit", _("Construction des thèmes sur un échantillon")
    ASSIGN = "assign", _("Lecture de chaque texte")
    FINALISE = "finalise", _("Calcul des tailles, campagnes et citations")


def scope_key(territory=None, theme=None) -> str:
    """A run's scope as one string: versions are numbered per scope."""
    return f"{getattr(territory, 'slug', None) or '*'}/{getattr(theme, 'code', None) or '*'}"


class AnalysisRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The national team sees every run; a COPIL member the runs of their territories."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_national_team:
            return self
        from egts.rules import copil_territory_ids

        return self.filter(territory_id__in=copil_territory_ids(user))

    def done(self):
        return self.filter(status=RunStatus.DONE)

    def published(self):
        """Runs a published synthesis draws on: their topics are public."""
        return self.done().filter(published_at__isnull=False)

    def for_scope(self, *, territory=None, theme=None):
        return self.filter(scope_key=scope_key(territory, theme))

    def stale(self, *, older_than):
        """Runs that claim to be running but whose workers have not been heard since
        ``older_than``, while no other run was heard either: runs share the workers' queue,
        so a run whose chunks wait behind another run's is silent yet alive."""
        alive = AnalysisRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__gte=older_than)
        return self.filter(status=RunStatus.RUNNING, heartbeat_at__lt=older_than).exclude(
            Exists(alive)
        )


class AnalysisRun(models.Model):
    version = models.PositiveIntegerField(_("version"))
    scope_key = models.CharField(_("périmètre"), max_length=80, editable=False)
    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territoire"),
        help_text=_("Vide : tous les territoires et les contributions nationales."),
    )
    theme = models.ForeignKey(
        "egts.Theme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thème"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    phase = models.CharField(
        _("étape"), max_length=10, choices=RunPhase.choices, default=RunPhase.FIT
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    documents = models.PositiveIntegerField(_("textes analysés"), default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    parameters = models.JSONField(_("paramètres"), default=dict)
    engine_version = models.CharField(_("version du moteur"), max_length=40, blank=True)
    model = models.BinaryField(_("modèle de thèmes"), null=True, editable=False)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("analyse précédente du même périmètre"),
    )
    error = models.TextField(_("erreur"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    finalise_attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("demandée par"),
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    published_at = models.DateTimeField(_("publiée avec une synthèse le"), null=True, blank=True)

    objects = AnalysisRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("analyse des textes")
        verbose_name_plural = _("analyses des textes")
        constraints = [
            models.UniqueConstraint(fields=["scope_key", "version"], name="analysis_run_version"),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="analysis_run_progress_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="analysis_run_status")]

    def __str__(self) -> str:
        return _("%(scope)s, version %(v)d") % {"scope": self.scope_label, "v": self.version}

    def get_absolute_url(self) -> str:
        return reverse("analysis:run-detail", kwargs={"pk": self.pk})

    @property
    def scope_label(self) -> str:
        where = str(self.territory) if self.territory_id else _("Tous les territoires")
        if self.theme_id:
            return f"{where} · {self.theme}"
        return where

    @property
    def is_done(self) -> bool:
        return self.status == RunStatus.DONE

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class ChunkStatus(models.TextChoices):
    PENDING = "pending", _("À traiter")
    DONE = "done", _("Traité")


class DocumentKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution")
    ANSWER = "answer", _("Réponse libre au questionnaire")


class AnalysisChunk(models.Model):
    """A contiguous id range of one kind of document, assigned by one task."""

    # Indexed by the (run, index) constraint.
    run = models.ForeignKey(
        AnalysisRun, on_delete=models.CASCADE, related_name="chunks", db_index=False
    )
    index = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=ChunkStatus.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    documents = models.PositiveIntegerField(default=0)
    # Which worker did it (its hostname): shows that several workers shared the run.
    worker = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="analysis_chunk_index")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.index}"
