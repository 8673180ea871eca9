"""What a run found: topics, their shares, campaigns, each document's topic, quotes."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from egts.models import ActorCategory

from .runs import AnalysisRun

# Counts under this are never shown where they may be public (as for questionnaire results).
SUPPRESSION_THRESHOLD = 5


class TopicQuerySet(models.QuerySet):
    def listed(self):
        """Topics a reader reviews: those not merged into another."""
        return self.filter(merged_into__isnull=True)

    def for_report(self):
        return self.listed().filter(noise=False)

    def visible_to(self, user):
        return self.filter(run__in=AnalysisRun.objects.visible_to(user))


class Topic(models.Model):
    # Indexed by the (run, index) constraint.
    run = models.ForeignKey(
        AnalysisRun, on_delete=models.CASCADE, related_name="topics", db_index=False
    )
    index = models.PositiveSmallIntegerField(_("numéro"))
    label = models.CharField(_("intitulé"), max_length=200)
    engine_label = models.CharField(_("intitulé proposé"), max_length=200)
    label_edited = models.BooleanField(_("intitulé revu par une personne"), default=False)
    keywords = models.JSONField(_("mots-clés"), default=list)
    # Texts in the topic, a campaign counting once.
    size = models.PositiveIntegerField(_("taille"), default=0)
    # Texts in the topic, every copy of a campaign counted.
    documents = models.PositiveIntegerField(_("textes"), default=0)
    noise = models.BooleanField(_("bruit (hors sujet)"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_topics",
        verbose_name=_("fusionné dans"),
    )
    matched_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("correspond au thème de l'analyse précédente"),
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-size", "index"]
        verbose_name = _("thème dégagé")
        verbose_name_plural = _("thèmes dégagés")
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="analysis_topic_index")
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("analysis:topic-detail", kwargs={"pk": self.run_id, "topic": self.pk})

    # Rules predicates find the territory on the object (a topic belongs to its run's).
    @property
    def territory_id(self):
        return self.run.territory_id


class ShareDimension(models.TextChoices):
    ACTOR_CATEGORY = "actor_category", _("catégorie d'acteur")
    TERRITORY = "territory", _("territoire")
    THEME = "theme", _("thème")


class TopicShare(models.Model):
    """How many of a topic's texts (a campaign once) come from one category, territory or
    theme: computed by finalise in one GROUP BY per dimension."""

    # Indexed by the (topic, dimension, code) constraint.
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="shares", db_index=False
    )
    dimension = models.CharField(max_length=20, choices=ShareDimension.choices)
    code = models.CharField(max_length=60)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "dimension", "code"], name="analysis_share_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.dimension}={self.code}: {self.count}"


class Campaign(models.Model):
    """Near-identical texts (copy-paste, a shared template): one voice in a topic's size."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="campaigns")
    representative = models.ForeignKey(
        "contributions.Contribution", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("texte représentatif"))
    size = models.PositiveIntegerField(_("nombre de textes"))

    class Meta:
        ordering = ["-size", "id"]
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")

    def __str__(self) -> str:
        return f"{self.size} × {self.text[:60]}"


class TopicMembership(models.Model):
    """One document of a run (a contribution or a free-text answer) and its topic."""

    # Both indexed by the composite indexes below, which they lead.
    run = models.ForeignKey(
        AnalysisRun, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        db_index=False,
    )
    contribution = models.ForeignKey(
        "contributions.Contribution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="analysis_memberships",
    )
    answer = models.ForeignKey(
        "contributions.Answer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="analysis_memberships",
    )
    chunk = models.PositiveIntegerField()
    weight = models.FloatField(default=0.0)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    # Copied from the document so that shares are one GROUP BY on this table.
    actor_category = models.CharField(max_length=30, choices=ActorCategory.choices)
    territory = models.ForeignKey(
        "egts.Territory", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(contribution__isnull=False, answer__isnull=True)
                | Q(contribution__isnull=True, answer__isnull=False),
                name="analysis_membership_one_document",
            ),
            models.UniqueConstraint(
                fields=["run", "contribution"],
                condition=Q(contribution__isnull=False),
                name="analysis_membership_contribution_once",
            ),
            models.UniqueConstraint(
                fields=["run", "answer"],
                condition=Q(answer__isnull=False),
                name="analysis_membership_answer_once",
            ),
        ]
        indexes = [
            models.Index(fields=["run", "chunk"], name="analysis_membership_chunk"),
            models.Index(fields=["topic", "contribution"], name="analysis_membership_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.contribution_id or self.answer_id} → {self.topic_id}"


class QuoteQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(removed=False)


class Quote(models.Model):
    """A whole sentence, verbatim from a contribution's published text."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="quotes")
    contribution = models.ForeignKey(
        "contributions.Contribution", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("citation"))
    position = models.PositiveSmallIntegerField(default=0)
    pinned = models.BooleanField(_("épinglée"), default=False)
    removed = models.BooleanField(_("retirée"), default=False)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "position", "id"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def territory_id(self):
        return self.topic.run.territory_id
