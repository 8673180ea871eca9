"""The national action plan (axes, measures) and the territories' local actions.

A measure and a local action share one follow-up model: a status (planned, in
progress, done, abandoned with a reason), a progress from 0 to 100, indicators with
target values, and dated progress updates that record the indicators' values.
Progress of an axis or of the plan is an SQL average over its measures, abandoned
ones left out.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Avg, Count, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000


class Status(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    ABANDONED = "abandoned", _("Abandonnée")


# DSFR badge of each status, shared by every template.
STATUS_BADGES = {
    Status.PLANNED: "fr-badge--info",
    Status.IN_PROGRESS: "fr-badge--new",
    Status.DONE: "fr-badge--success",
    Status.ABANDONED: "fr-badge--error",
}


def _progress_average(prefix: str = ""):
    """Average progress (0–100, rounded down by the template) of the non-abandoned rows."""
    return Coalesce(
        Avg(f"{prefix}progress", filter=~Q(**{f"{prefix}status": Status.ABANDONED})),
        0.0,
        output_field=models.FloatField(),
    )


class Tracked(models.Model):
    """What a measure and a local action share: description, owner and follow-up."""

    title = models.CharField(_("intitulé"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH)
    owner = models.CharField(_("pilote"), max_length=200, help_text=_("Qui porte l'action."))
    partners = models.TextField(_("partenaires"), max_length=2_000, blank=True)
    deadline = models.DateField(_("échéance"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (euros)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Laisser vide s'il n'est pas connu."),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    abandon_reason = models.TextField(
        _("motif de l'abandon"), max_length=REASON_MAX_LENGTH, blank=True
    )
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    status_changed_at = models.DateTimeField(_("statut modifié le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "")


class AxisQuerySet(models.QuerySet):
    def with_progress(self):
        """Each axis with its measures' average progress and count, in the same query."""
        return self.annotate(
            progress_value=_progress_average("measures__"),
            measure_count=Count("measures", distinct=True),
        )


class Axis(models.Model):
    """A strand of the national action plan, grouping measures."""

    title = models.CharField(_("intitulé"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AxisQuerySet.as_manager()

    # The plan is national: territorial predicates never match it.
    territory_id = None

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("axe du plan d'action")
        verbose_name_plural = _("axes du plan d'action")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplan:plan") + f"#axe-{self.pk}"


class MeasureQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("axis")

    def plan_progress(self) -> dict:
        """{progress, total, planned, in_progress, done, abandoned} in one query."""
        return self.aggregate(
            progress=_progress_average(),
            total=Count("id"),
            **{value: Count("id", filter=Q(status=value)) for value in Status.values},
        )


class Measure(Tracked):
    """A measure of the national plan, born from one or several forwarded proposals."""

    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, related_name="measures", verbose_name=_("axe")
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    proposals = models.ManyToManyField(
        "assises.Proposal",
        blank=True,
        related_name="measures",
        verbose_name=_("propositions à l'origine de la mesure"),
    )

    objects = MeasureQuerySet.as_manager()

    territory_id = None

    class Meta:
        ordering = ["axis__order", "axis_id", "order", "id"]
        verbose_name = _("mesure du plan d'action")
        verbose_name_plural = _("mesures du plan d'action")

    def get_absolute_url(self) -> str:
        return reverse("actionplan:measure-detail", kwargs={"pk": self.pk})


class LocalActionQuerySet(models.QuerySet):
    def for_territory(self, territory):
        return self.filter(territory=territory)

    def visible_to(self, user):
        """Local actions are public: anyone sees every territory's follow-up."""
        return self


class LocalAction(Tracked):
    """One territory's own action after its assises (the « suivi » stage)."""

    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.CASCADE,
        related_name="local_actions",
        verbose_name=_("territoire"),
    )
    proposals = models.ManyToManyField(
        "assises.Proposal",
        blank=True,
        related_name="local_actions",
        verbose_name=_("propositions du territoire à l'origine de l'action"),
    )

    objects = LocalActionQuerySet.as_manager()

    class Meta:
        ordering = ["territory__order", "created_at", "id"]
        verbose_name = _("action locale")
        verbose_name_plural = _("actions locales")

    def get_absolute_url(self) -> str:
        return reverse("territory-detail", kwargs={"slug": self.territory.slug}) + (
            f"#action-{self.pk}"
        )


class Indicator(models.Model):
    """A follow-up indicator of a measure or of a local action, with its target value."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    local_action = models.ForeignKey(
        LocalAction, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    label = models.CharField(_("indicateur"), max_length=200)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    target_value = models.DecimalField(_("valeur cible"), max_digits=14, decimal_places=2)
    current_value = models.DecimalField(
        _("dernière valeur relevée"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("indicateur de suivi")
        verbose_name_plural = _("indicateurs de suivi")
        constraints = [
            models.CheckConstraint(
                condition=Q(measure__isnull=False, local_action__isnull=True)
                | Q(measure__isnull=True, local_action__isnull=False),
                name="indicator_of_one_measure_or_action",
            )
        ]

    def __str__(self) -> str:
        return self.label


class ProgressUpdate(models.Model):
    """A dated step of the follow-up: what was done, the status and progress reached."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="updates"
    )
    local_action = models.ForeignKey(
        LocalAction, on_delete=models.CASCADE, null=True, blank=True, related_name="updates"
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("point d'avancement"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices)
    previous_status = models.CharField(_("statut précédent"), max_length=20, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), validators=[MaxValueValidator(100)]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("point d'avancement")
        verbose_name_plural = _("points d'avancement")
        constraints = [
            models.CheckConstraint(
                condition=Q(measure__isnull=False, local_action__isnull=True)
                | Q(measure__isnull=True, local_action__isnull=False),
                name="update_of_one_measure_or_action",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} — {self.get_status_display()}"

    @property
    def changed_status(self) -> bool:
        return self.status != self.previous_status


class IndicatorValue(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["indicator__order", "indicator_id"]
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        constraints = [
            models.UniqueConstraint(
                fields=["update", "indicator"], name="one_value_per_indicator_and_update"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


class FollowUpPreference(models.Model):
    """A participant's choice to be told when a measure linked to their contributions moves."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follow_up_preference",
        verbose_name=_("compte"),
    )
    notify_measure_status = models.BooleanField(
        _("être prévenu par courriel des changements de statut des mesures"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("préférence de suivi")
        verbose_name_plural = _("préférences de suivi")

    def __str__(self) -> str:
        return str(self.user)
