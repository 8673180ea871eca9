"""Statements voted on agree / disagree / pass, paper tallies of the assises, and the
stored results that a Celery task recomputes (never a request)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egts.models import ActorCategory
from egts.moderation import Moderated, ModeratedQuerySet, ModerationStatus

TEXT_MIN_LENGTH = 10
TEXT_MAX_LENGTH = 280


class StatementSource(models.TextChoices):
    HYPOTHESIS = "hypothesis", _("Hypothèse nationale")
    PROPOSAL = "proposal", _("Proposition d'un territoire")
    TOPIC = "topic", _("Thème dégagé par l'analyse")
    AUTHOR = "author", _("Proposé par un participant")
    TEAM = "team", _("Rédigé par l'équipe d'animation")


# Sources that point to another object by its id.
LINKED_SOURCES = (StatementSource.HYPOTHESIS, StatementSource.PROPOSAL, StatementSource.TOPIC)


class VoteChoice(models.TextChoices):
    AGREE = "agree", _("D'accord")
    DISAGREE = "disagree", _("Pas d'accord")
    PASS = "pass", _("Je passe")


class StatementQuerySet(ModeratedQuerySet):
    def with_references(self):
        return self.select_related("theme", "policy", "territory")

    def visible_to(self, user):
        """Published ones, the user's own, and those they may moderate."""
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


class Statement(Moderated):
    """A short text that people vote agree, disagree or pass on."""

    text = models.CharField(
        _("énoncé"),
        max_length=TEXT_MAX_LENGTH,
        validators=[MinLengthValidator(TEXT_MIN_LENGTH)],
    )
    theme = models.ForeignKey(
        "egts.Theme", on_delete=models.PROTECT, related_name="+", verbose_name=_("thème")
    )
    policy = models.ForeignKey(
        "egts.Policy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("politique sociale"),
    )
    source_type = models.CharField(
        _("origine"), max_length=20, choices=StatementSource.choices, default=StatementSource.TEAM
    )
    # The hypothesis, proposal or topic it was drawn from: an id, not a foreign key, so that
    # this app depends on egts only (DESIGN.md).
    source_id = models.PositiveBigIntegerField(_("identifiant de l'origine"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("auteur"),
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-submitted_at", "-id"]
        verbose_name = _("énoncé")
        verbose_name_plural = _("énoncés")
        indexes = [models.Index(fields=["status", "territory"], name="statement_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(source_id__isnull=True) | Q(source_type__in=LINKED_SOURCES),
                name="statement_source_id_only_for_linked_sources",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Vote(models.Model):
    """One person's vote on one statement; voting again replaces it."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="votes", verbose_name=_("énoncé")
    )
    vote = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    actor_category = models.CharField(
        _("catégorie d'acteur"), max_length=30, choices=ActorCategory.choices
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statement_votes",
        verbose_name=_("compte"),
    )
    # An anonymous voter is known by a keyed hash of their browser session only.
    session_key = models.CharField(max_length=64, blank=True)
    # The territory the vote counts for: the voter's department's, else the statement's.
    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territoire"),
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "user"],
                condition=Q(user__isnull=False),
                name="vote_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["statement", "session_key"],
                condition=~Q(session_key=""),
                name="vote_once_per_session",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(session_key=""),
                name="vote_has_a_voter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_vote_display()} — {self.statement_id}"


class PaperTally(models.Model):
    """The count of a show of hands or of paper ballots at an assise, for one statement
    and one actor category."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="paper_tallies", verbose_name=_("énoncé")
    )
    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territoire"),
    )
    actor_category = models.CharField(
        _("catégorie d'acteur"), max_length=30, choices=ActorCategory.choices
    )
    agree = models.PositiveIntegerField(_("d'accord"), default=0)
    disagree = models.PositiveIntegerField(_("pas d'accord"), default=0)
    passed = models.PositiveIntegerField(_("je passe"), default=0)
    held_on = models.DateField(_("date du vote"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("saisi par"),
    )
    entered_at = models.DateTimeField(_("saisi le"), default=timezone.now)

    class Meta:
        verbose_name = _("décompte papier")
        verbose_name_plural = _("décomptes papier")
        constraints = [
            # Entering the same line again corrects it rather than counting it twice.
            models.UniqueConstraint(
                fields=["statement", "territory", "actor_category", "held_on"],
                name="paper_tally_once_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} · {self.actor_category} · {self.held_on}"


NATIONAL_SCOPE = "national"


class Computation(models.Model):
    """One scope's stored results: national (every vote) or one territory's votes."""

    # "national" or the territory's slug: one row per scope, which a nullable unique
    # territory could not guarantee (NULLs are distinct in a unique index).
    scope = models.CharField(_("périmètre"), max_length=60, unique=True)
    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territoire"),
    )
    computed_at = models.DateTimeField(_("calculé le"), null=True, blank=True)
    requested_at = models.DateTimeField(_("demandé le"), null=True, blank=True)
    # [{id, size, by_actor_category {code: n}, statements [{statement, agree_share}]}]
    groups = models.JSONField(_("groupes d'opinion"), default=list, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("calcul des résultats")
        verbose_name_plural = _("calculs des résultats")

    def __str__(self) -> str:
        return self.scope


class StatementResult(models.Model):
    """A statement's counts in one scope, online and paper together, and the rule's verdict."""

    computation = models.ForeignKey(
        Computation, on_delete=models.CASCADE, related_name="results", verbose_name=_("calcul")
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="results", verbose_name=_("énoncé")
    )
    agree = models.PositiveIntegerField(default=0)
    disagree = models.PositiveIntegerField(default=0)
    passed = models.PositiveIntegerField(default=0)
    paper_votes = models.PositiveIntegerField(_("dont votes papier"), default=0)
    # {code: [agree, disagree, pass]}: raw counts, suppressed when shown in public.
    by_actor_category = models.JSONField(default=dict)
    consensus = models.CharField(max_length=10, blank=True)  # "agree", "disagree" or ""
    divisive = models.BooleanField(default=False)
    # The two categories furthest apart, when divisive: [code, code].
    divisive_pair = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("résultat d'un énoncé")
        verbose_name_plural = _("résultats des énoncés")
        constraints = [
            models.UniqueConstraint(
                fields=["computation", "statement"], name="statement_result_once_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} · {self.computation}"

    @property
    def votes(self) -> int:
        return self.agree + self.disagree + self.passed
