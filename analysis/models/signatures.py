"""MinHash signatures of published contributions, kept across runs, and their LSH bands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TextSignature(models.Model):
    """A published contribution's MinHash signature, kept across runs while its published
    text and the engine stay the same (``text_hash``)."""

    contribution = models.OneToOneField(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="analysis_signature",
    )
    text_hash = models.CharField(max_length=64)
    signature = models.BinaryField()

    class Meta:
        verbose_name = _("signature de texte")

    def __str__(self) -> str:
        return str(self.contribution_id)


class SignatureBand(models.Model):
    """One LSH band of a signature: two texts sharing a key are candidate near-copies, so
    grouping by ``key`` in SQL finds them without comparing every pair."""

    contribution = models.ForeignKey(
        "contributions.Contribution", on_delete=models.CASCADE, related_name="+"
    )
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "contribution"], name="analysis_band_key")]

    def __str__(self) -> str:
        return f"{self.contribution_id}:{self.key}"
