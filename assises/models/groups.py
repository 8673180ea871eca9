"""Working groups, their outside participants, meetings and documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egts.models import ActorCategory
from egts.uploads import OCTET_STREAM, stored_name

from .base import _is_signed_in


class Scale(models.TextChoices):
    INTERREGIONAL = "interregional", _("Interrégionale")
    REGIONAL = "regional", _("Régionale")
    DEPARTMENTAL = "departmental", _("Départementale")
    COMMUNAL = "communal", _("Communale")


class WorkingGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """National team: all; COPIL: their territories; facilitators: their groups only."""
        from egts.rules import copil_territory_ids

        if not _is_signed_in(user):
            return self.none()
        if user.is_national_team:
            return self
        return self.filter(
            models.Q(territory_id__in=copil_territory_ids(user)) | models.Q(facilitator=user)
        )

    def for_territory(self, territory):
        if territory is None:
            return self.filter(territory__isnull=True)
        return self.filter(territory=territory)


class WorkingGroup(models.Model):
    """A territory's working group, or a national thematic group (no territory)."""

    territory = models.ForeignKey(
        "egts.Territory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territoire"),
    )
    name = models.CharField(_("nom"), max_length=200)
    theme = models.ForeignKey(
        "egts.Theme", on_delete=models.PROTECT, related_name="+", verbose_name=_("thème")
    )
    policy = models.ForeignKey(
        "egts.Policy",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("politique sociale"),
    )
    scale = models.CharField(_("échelle"), max_length=20, choices=Scale.choices)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_groups",
        verbose_name=_("animateur ou animatrice"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="working_groups",
        verbose_name=_("membres"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assises:group-detail", kwargs={"pk": self.pk})


class OutsideParticipant(models.Model):
    """Someone without an account who takes part in a group, known by name and category."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("nom"), max_length=200)
    organisation = models.CharField(_("organisme"), max_length=200, blank=True)
    actor_category = models.CharField(
        _("catégorie d'acteur"), max_length=30, choices=ActorCategory.choices
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("participant extérieur")
        verbose_name_plural = _("participants extérieurs")

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("groupe")
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200)
    agenda = models.TextField(_("ordre du jour"))
    # {actor category code: number of people present}
    attendance = models.JSONField(_("présence par catégorie d'acteur"), default=dict, blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")

    def __str__(self) -> str:
        return f"{self.group} — {self.date}"

    @property
    def territory_id(self):
        return self.group.territory_id

    @property
    def attendance_total(self) -> int:
        return sum(self.attendance.values())

    def attendance_rows(self) -> list[tuple[str, int]]:
        return [
            (label, self.attendance.get(code, 0))
            for code, label in ActorCategory.choices
            if self.attendance.get(code)
        ]


def meeting_document_path(instance, filename: str) -> str:
    """A random name ending with the detected type: the uploaded name never reaches the disk."""
    return stored_name(f"assises/meetings/{instance.meeting_id}", instance.content_type)


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("fichier"), upload_to=meeting_document_path, max_length=200)
    name = models.CharField(_("nom"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    # Read from the bytes at upload (egts/uploads.py); files kept before that are served as
    # plain downloads.
    content_type = models.CharField(_("type de contenu"), max_length=100, default=OCTET_STREAM)

    class Meta:
        ordering = ["id"]
        verbose_name = _("document de réunion")
        verbose_name_plural = _("documents de réunion")

    def __str__(self) -> str:
        return self.name
