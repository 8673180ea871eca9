"""Public contributions (expectations, observations, proposals) and online questionnaires."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from egts.models import ActorCategory
from egts.moderation import Moderated, ModeratedQuerySet, ModerationStatus
from egts.search import FrenchSearchMixin

# The text search configuration created by migration 0002 (french stemming + unaccent).

TITLE_MIN_LENGTH = 3
TITLE_MAX_LENGTH = 200
BODY_MIN_LENGTH = 20
BODY_MAX_LENGTH = 10_000


class ContributionKind(models.TextChoices):
    EXPECTATION = "expectation", _("Attente")
    OBSERVATION = "observation", _("Constat")
    PROPOSAL = "proposal", _("Proposition")


class ContributionSource(models.TextChoices):
    ONLINE = "online", _("En ligne")
    USER_GROUP = "user_group", _("Groupe d'usagers")
    INTERVIEW = "interview", _("Entretien")
    PAPER = "paper", _("Contribution papier")
    WORKING_GROUP = "working_group", _("Groupe de travail")


class ContributionQuerySet(FrenchSearchMixin, ModeratedQuerySet):
    search_fields = ("title", "published_body")

    def with_references(self):
        """Everything a list shows, in a constant number of queries."""
        return self.select_related("territory", "department").prefetch_related("themes", "policies")

    def visible_to(self, user):
        """Published items, plus the user's own, plus those they may moderate."""
        if not getattr(user, "is_authenticated", False):
            return self.published()
        if user.is_national_team:
            return self
        from egts.rules import copil_territory_ids

        return self.filter(
            Q(status=ModerationStatus.PUBLISHED)
            | Q(author=user)
            | Q(territory_id__in=copil_territory_ids(user))
        )

    def authored_by(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(author=user)


class Contribution(Moderated):
    """An expectation, observation or proposal sent by a participant or entered offline."""

    # Without the single-column index of Moderated: the list's partial indexes
    # (contribution_public…) hold the published dates in the list's order, and a plain index
    # on the date led the planner to walk the unpublished rows (null dates, first in a
    # descending scan) before the first published one: 200,000 rows at national volume.
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    kind = models.CharField(_("nature"), max_length=20, choices=ContributionKind.choices)
    title = models.CharField(_("titre"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("texte"), max_length=BODY_MAX_LENGTH)
    published_body = models.TextField(
        _("texte publié"),
        blank=True,
        help_text=_("Texte relu par la modération, sans donnée personnelle."),
    )
    themes = models.ManyToManyField(
        "egts.Theme", related_name="contributions", verbose_name=_("thèmes transverses")
    )
    policies = models.ManyToManyField(
        "egts.Policy",
        related_name="contributions",
        blank=True,
        verbose_name=_("politiques sociales"),
    )
    department = models.ForeignKey(
        "egts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("département"),
    )
    actor_category = models.CharField(
        _("catégorie d'acteur"), max_length=30, choices=ActorCategory.choices
    )
    source = models.CharField(
        _("origine"),
        max_length=20,
        choices=ContributionSource.choices,
        default=ContributionSource.ONLINE,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("auteur"),
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    # Kept up to date by the services on PostgreSQL; its GIN index is created by migration 0002.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-submitted_at", "-id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        # The public list reads published rows newest first, with or without a territory:
        # partial indexes in the list's own order, so page 1 reads 20 index entries
        # instead of sorting, and skips the unpublished rows (null dates) entirely.
        indexes = [
            models.Index(fields=["status", "territory"], name="contribution_queue"),
            models.Index(
                fields=["-published_at", "-submitted_at", "-id"],
                condition=Q(status=ModerationStatus.PUBLISHED),
                name="contribution_public",
            ),
            models.Index(
                fields=["territory", "-published_at", "-submitted_at", "-id"],
                condition=Q(status=ModerationStatus.PUBLISHED),
                name="contribution_public_territory",
            ),
        ]

    @classmethod
    def public_page_tags(cls, contributions) -> set[str]:
        """The cached public pages that can show these contributions (egts/cache.py)."""
        from .pages import contribution_tags

        return contribution_tags(contributions)

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contributions:detail", kwargs={"pk": self.pk})

    @property
    def public_body(self) -> str:
        return self.published_body or self.body

    @property
    def is_pending(self) -> bool:
        return self.status == ModerationStatus.PENDING

    # The codes of its themes and policies; contribution_submit sets them on a new
    # contribution, which spares reading back what it has just written.
    @cached_property
    def theme_codes(self) -> list[str]:
        return [theme.code for theme in self.themes.all()]

    @cached_property
    def policy_codes(self) -> list[str]:
        return [policy.code for policy in self.policies.all()]


# --- Questionnaires ---------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Choix unique")
    MULTIPLE = "multiple", _("Choix multiple")
    SCALE = "scale", _("Échelle")
    TEXT = "text", _("Texte libre")


class QuestionnaireQuerySet(models.QuerySet):
    def started(self, now=None):
        """Questionnaires whose opening date has passed (open or closed since)."""
        return self.filter(opens_at__lte=now or timezone.now())

    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now).filter(
            Q(closes_at__isnull=True) | Q(closes_at__gt=now)
        )


class Questionnaire(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("ouverture"), default=timezone.now)
    closes_at = models.DateTimeField(_("clôture"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "title"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contributions:questionnaire-answer", kwargs={"slug": self.slug})

    def clean(self):
        if self.closes_at and self.opens_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("La clôture doit suivre l'ouverture.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    label = models.CharField(_("intitulé"), max_length=300)
    help_text = models.CharField(_("aide"), max_length=300, blank=True)
    required = models.BooleanField(_("obligatoire"), default=False)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    step = models.PositiveSmallIntegerField(
        _("étape"), default=1, help_text=_("Les questions d'une même étape s'affichent ensemble.")
    )
    scale_min = models.SmallIntegerField(_("minimum de l'échelle"), default=1)
    scale_max = models.SmallIntegerField(_("maximum de l'échelle"), default=5)
    scale_min_label = models.CharField(_("libellé du minimum"), max_length=60, blank=True)
    scale_max_label = models.CharField(_("libellé du maximum"), max_length=60, blank=True)
    condition_choice = models.ForeignKey(
        "Choice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependent_questions",
        verbose_name=_("afficher seulement si la réponse est"),
        help_text=_("Un choix d'une question d'une étape précédente."),
    )

    class Meta:
        ordering = ["step", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.label

    def clean(self):
        errors = {}
        if self.kind == QuestionKind.SCALE and self.scale_min >= self.scale_max:
            errors["scale_max"] = _("Le maximum doit dépasser le minimum.")
        if self.condition_choice_id:
            parent = self.condition_choice.question
            if parent.questionnaire_id != self.questionnaire_id:
                errors["condition_choice"] = _("Choisissez un choix de ce questionnaire.")
            elif parent.step >= self.step:
                errors["condition_choice"] = _(
                    "La condition doit porter sur une question d'une étape précédente."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    @cached_property
    def choice_ids(self) -> frozenset[int]:
        """The ids of its choices, worked out once per instance: the questions a process
        holds in memory check every response against them (validate_answers)."""
        return frozenset(choice.pk for choice in self.choices.all())


class Choice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    label = models.CharField(_("intitulé"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("choix")
        verbose_name_plural = _("choix")

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    """One person's answers; anonymous, or linked to an account (one per account)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    actor_category = models.CharField(
        _("catégorie d'acteur"), max_length=30, choices=ActorCategory.choices
    )
    department = models.ForeignKey(
        "egts.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied from the department so results narrow by territory without a three-table join.
    territory = models.ForeignKey(
        "egts.Territory", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now)

    class Meta:
        verbose_name = _("réponse au questionnaire")
        verbose_name_plural = _("réponses au questionnaire")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "user"],
                condition=Q(user__isnull=False),
                name="response_one_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} — {self.created_at:%d/%m/%Y}"


class Answer(models.Model):
    """One answer: a choice (one row per ticked choice), a scale value or a text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(
        Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("réponse à une question")
        verbose_name_plural = _("réponses aux questions")

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice_id or self.value or self.text[:40]}"
