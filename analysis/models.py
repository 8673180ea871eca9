"""Analysis runs over published texts: topics, memberships, quotes, campaigns, human edits.

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

from egts.models import ActorCategory

# Counts under this are never shown where they may be public (as for questionnaire results).
SUPPRESSION_THRESHOLD = 5


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


# Registered with the app from here (see the module).
from .screening_models import ModerationCheck, NearCopy  # noqa: E402, F401
