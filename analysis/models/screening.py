"""What the screening of an incoming contribution found, read by the moderation pages.

A pending contribution is screened after its submission is committed
(``contributions.tasks.screen_contribution``): spaCy's person names, too slow for the
request, and the published contributions it nearly copies (MinHash signatures). The
moderation queue reads both for a whole page in a constant number of queries.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModerationCheck(models.Model):
    """One contribution's last screening; none yet means the task has not run."""

    contribution = models.OneToOneField(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="moderation_check",
    )
    checked_at = models.DateTimeField(_("vérifiée le"), default=timezone.now)
    # The person names the recogniser found, as written: the moderation page marks where
    # they occur without running the recogniser again.
    names = models.JSONField(_("noms de personnes possibles"), default=list, blank=True)

    class Meta:
        verbose_name = _("vérification automatique")
        verbose_name_plural = _("vérifications automatiques")

    def __str__(self) -> str:
        return str(self.contribution_id)


class PracticeCheck(models.Model):
    """A practice's last name screening (``analysis.tasks.screen_practice_names``); none yet,
    or one older than the practice's last change, means the task has not run on its text
    (the broker was away): beat's sweep ``analysis.screen_unscreened_practices`` catches up."""

    practice = models.OneToOneField(
        "practices.Practice",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="name_check",
    )
    checked_at = models.DateTimeField(_("vérifiée le"), default=timezone.now)
    # As for contributions: the moderation page marks where they occur.
    names = models.JSONField(_("noms de personnes possibles"), default=list, blank=True)

    class Meta:
        verbose_name = _("vérification automatique d'une pratique")
        verbose_name_plural = _("vérifications automatiques des pratiques")

    def __str__(self) -> str:
        return str(self.practice_id)


class NearCopy(models.Model):
    """A published contribution that the screened one nearly copies (estimated Jaccard
    similarity of their texts at or above the campaign threshold)."""

    contribution = models.ForeignKey(
        "contributions.Contribution", on_delete=models.CASCADE, related_name="near_copies"
    )
    published = models.ForeignKey(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contribution publiée"),
    )
    similarity = models.FloatField(_("similarité"))

    class Meta:
        ordering = ["contribution", "-similarity", "published"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "published"], name="analysis_near_copy_unique"
            )
        ]
        verbose_name = _("quasi-copie")
        verbose_name_plural = _("quasi-copies")

    def __str__(self) -> str:
        return f"{self.contribution_id} ≈ {self.published_id}"
