"""The démarche's shared vocabulary: geography, territories, themes, calendar, people."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActorCategory(models.TextChoices):
    ELUS = "elus", _("Élus locaux")
    PROFESSIONNELS = "professionnels", _("Professionnels de terrain")
    EMPLOYEURS = "employeurs", _("Représentants des employeurs des travailleurs sociaux")
    FORMATION = "formation", _("Représentants des établissements de formation en travail social")
    ENCADREMENT = "encadrement", _("Représentants de l'encadrement des travailleurs sociaux")
    AUTRES_PROFESSIONNELS = (
        "autres-professionnels",
        _("Autres professionnels en lien avec les travailleurs sociaux"),
    )
    BENEVOLES = "benevoles", _("Bénévoles")
    USAGERS = "usagers", _("Personnes concernées / usagers")


class Wave(models.TextChoices):
    PILOT = "pilot", _("Territoire pilote (automne 2013)")
    SECOND = "second", _("Seconde vague (premier semestre 2014)")


class Theme(models.Model):
    """One of the six transverse themes (T1–T6)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    label = models.CharField(_("intitulé"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("thème transverse")
        verbose_name_plural = _("thèmes transverses")

    def __str__(self) -> str:
        return self.label


class Policy(models.Model):
    """One of the five social policies (P1–P5)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    label = models.CharField(_("intitulé"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("politique sociale")
        verbose_name_plural = _("politiques sociales")

    def __str__(self) -> str:
        return self.label


class TerritoryQuerySet(models.QuerySet):
    def with_geography(self):
        return self.select_related("theme", "policy").prefetch_related("regions")


class Territory(models.Model):
    """One of the nine interregional territories that hold an assise."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    wave = models.CharField(_("vague"), max_length=10, choices=Wave.choices)
    overseas = models.BooleanField(_("outre-mer"), default=False)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="territories", verbose_name=_("thème")
    )
    policy = models.ForeignKey(
        Policy,
        on_delete=models.PROTECT,
        related_name="territories",
        verbose_name=_("politique sociale"),
    )
    theme_is_placeholder = models.BooleanField(
        _("thème et politique à confirmer"),
        default=True,
        help_text=_("Coché tant que le couple thème × politique n'est pas confirmé."),
    )
    place = models.CharField(_("lieu des assises"), max_length=200, blank=True)
    work_starts_on = models.DateField(_("début des travaux"), null=True, blank=True)
    assises_date = models.DateField(_("date des assises"), null=True, blank=True)
    dates_note = models.CharField(
        _("précision sur les dates"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple « automne 2014 » quand la date exacte n'est pas connue."),
    )

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("territory-detail", kwargs={"slug": self.slug})


class Region(models.Model):
    """A region of 2013 (before the 2016 merger), identified by its INSEE code."""

    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=120)
    capital = models.CharField(_("chef-lieu"), max_length=120, blank=True)
    overseas = models.BooleanField(_("outre-mer"), default=False)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="regions", verbose_name=_("territoire")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department of 2013; codes stay strings ("01", "2A", "971")."""

    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=120)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("région")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def territory(self) -> Territory:
        return self.region.territory


class StageQuerySet(models.QuerySet):
    def current(self, today: datetime.date | None = None) -> Stage | None:
        """The last stage that has started: the démarche's present."""
        today = today or timezone.localdate()
        started = [s for s in self if s.starts is None or s.starts <= today]
        return started[-1] if started else None


class Stage(models.Model):
    """A step of the démarche's calendar, closed by a COPIL checkpoint."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    label = models.CharField(_("intitulé"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordre"))
    starts = models.DateField(_("début"), null=True, blank=True)
    ends = models.DateField(_("fin"), null=True, blank=True)
    content = models.JSONField(_("contenu"), default=list, blank=True)

    objects = StageQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("étape du calendrier")
        verbose_name_plural = _("étapes du calendrier")

    def __str__(self) -> str:
        return self.label


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account: e-mail login, no username; the public only ever sees the actor category."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=120, blank=True)
    actor_category = models.CharField(
        _("catégorie d'acteur"), max_length=30, choices=ActorCategory.choices, blank=True
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département"),
    )
    organisation = models.CharField(_("organisme"), max_length=200, blank=True)
    is_national_team = models.BooleanField(
        _("équipe projet nationale"),
        default=False,
        help_text=_("Suit tous les territoires, publie questionnaires et hypothèses."),
    )
    is_staff = models.BooleanField(_("accès à l'administration technique"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def save(self, *args, **kwargs):
        # set_password() keeps the new password until save; a hash upgraded at login
        # does not (check_password clears it first), so only a real change counts.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            from .auth import revoke_tokens

            # A new password revokes the API tokens: whoever held the old one loses it.
            revoke_tokens(self)

    def has_perm(self, perm: str, obj=None) -> bool:
        """A business permission (declared with django-rules in a ``rules.py``) is decided
        by its rule alone: ``is_superuser`` opens the technical administration, it does
        not moderate, validate or decide for a COPIL. Elsewhere, and for Django's model
        permissions inside the admin, Django's meaning (egts/admin_site.py)."""
        import rules

        from .admin_site import IN_TECHNICAL_ADMIN

        if rules.perm_exists(perm) and not IN_TECHNICAL_ADMIN.get():
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


class Role(models.TextChoices):
    COPIL_LEAD = "copil_lead", _("Pilote du COPIL")
    COPIL_MEMBER = "copil_member", _("Membre du COPIL")
    FACILITATOR = "facilitator", _("Animateur de groupe de travail")


# Roles that take part in the COPIL's decisions (moderation, reviews, ranking).
COPIL_ROLES = (Role.COPIL_LEAD, Role.COPIL_MEMBER)


class MembershipQuerySet(models.QuerySet):
    def copil(self):
        return self.filter(role__in=COPIL_ROLES)


class Membership(models.Model):
    """A person's role in one territory's assise."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("compte"),
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("territoire"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("rôle dans un territoire")
        verbose_name_plural = _("rôles dans les territoires")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory"], name="membership_one_role_per_territory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.territory})"


class SubmissionGuard(models.Model):
    """When a sender last sent a given submission (egts/resubmission.py). The same one sent
    again within the window is the same submission (double click, network retry): the
    unique pair lets the database decide it, even for two copies sent at the same moment."""

    # "user:<id>", or a keyed hash of an anonymous sender's session or address.
    sender = models.CharField(max_length=80)
    # A hash of what was sent and what for (a contribution, a practice, a response…).
    fingerprint = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    # The account that sent it, so that erasing the account erases these records.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The id of what the first sending created; a copy answers with it.
    result_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("envoi récent")
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "fingerprint"], name="egts_submission_guard_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender} · {self.sent_at:%Y-%m-%d %H:%M}"


# The moderation log is a model of this app, defined beside the state machine.
from .moderation import ModerationDecision  # noqa: E402, F401
