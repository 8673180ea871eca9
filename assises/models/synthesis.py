"""The national synthesis: numbered versions built by a Celery worker from frozen figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SynthesisStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminée")
    FAILED = "failed", _("En échec")


class SynthesisQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True, status=SynthesisStatus.DONE)

    def visible_to(self, user):
        """The national team sees every version; everyone else the published ones."""
        if getattr(user, "is_authenticated", False) and user.is_national_team:
            return self
        return self.published()

    def stale(self, *, silent_since, started_before):
        """Builds that claim to run but gave no sign of life since ``silent_since`` (the
        build beats every few seconds while it runs), or started before ``started_before``
        (past the hard time limit): their worker is gone."""
        return self.filter(status=SynthesisStatus.RUNNING).filter(
            models.Q(heartbeat_at__lt=silent_since)
            | models.Q(heartbeat_at__isnull=True, started_at__lt=silent_since)
            | models.Q(started_at__lt=started_before)
        )


def synthesis_pdf_path(instance, filename: str) -> str:
    return f"assises/syntheses/{filename}"


class Synthesis(models.Model):
    """One version of the national synthesis; its figures never change once requested."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=SynthesisStatus.choices,
        default=SynthesisStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    figures = models.JSONField(_("chiffres figés"), default=dict)
    error = models.TextField(_("erreur"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=synthesis_pdf_path, blank=True)
    html = models.TextField(_("version HTML"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("demandée par"),
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    published = models.BooleanField(_("publiée"), default=False)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    # Moved every few seconds by the worker while it builds: a build silent for longer than
    # SYNTHESIS_STALE_AFTER_SECONDS has lost its worker (killed, out of memory).
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)
    # The broker message being built: a redelivery of the same message means that the
    # worker that had it died, another message while this one beats is a duplicate.
    task_id = models.CharField(_("tâche"), max_length=155, blank=True)

    objects = SynthesisQuerySet.as_manager()

    # National: territorial predicates never match it.
    territory_id = None

    class Meta:
        ordering = ["-version"]
        verbose_name = _("synthèse nationale")
        verbose_name_plural = _("synthèses nationales")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="synthesis_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("assises:synthesis-detail", kwargs={"pk": self.pk})

    @property
    def is_done(self) -> bool:
        return self.status == SynthesisStatus.DONE

    @property
    def is_finished(self) -> bool:
        return self.status in (SynthesisStatus.DONE, SynthesisStatus.FAILED)
