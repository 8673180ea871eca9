"""The human edits of a run's topics and quotes, carried over to the next run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .runs import AnalysisRun
from .topics import Topic


class EditAction(models.TextChoices):
    RENAME = "rename", _("Renommage")
    NOISE = "noise", _("Marqué comme bruit")
    UNNOISE = "unnoise", _("Rétabli (plus du bruit)")
    MERGE = "merge", _("Fusion")
    PIN = "pin", _("Citation épinglée")
    UNPIN = "unpin", _("Citation désépinglée")
    REMOVE_QUOTE = "remove_quote", _("Citation retirée")
    RESTORE_QUOTE = "restore_quote", _("Citation rétablie")


class TopicEdit(models.Model):
    """Who changed what on a topic, and when; ``carried_over`` marks an edit replayed on a
    later run from the matching topic of the previous one."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="edits")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="edits")
    action = models.CharField(_("action"), max_length=20, choices=EditAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    details = models.JSONField(_("détails"), default=dict)
    carried_over = models.BooleanField(_("reprise de l'analyse précédente"), default=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("modification d'un thème")
        verbose_name_plural = _("modifications des thèmes")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.topic_id}"
