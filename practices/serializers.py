"""API shapes of practices: public fields only, unless the caller follows the practice."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from egts.models import Department, Policy, Theme
from egts.moderation import Decision, RejectReason

from .models import (
    ORGANISATION_MAX_LENGTH,
    PUBLIC_TEXT_FIELDS,
    SECTION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    Practice,
)


def _section_field():
    return serializers.CharField(max_length=SECTION_MAX_LENGTH)


class PracticeCreateSerializer(serializers.Serializer):
    title = serializers.CharField(min_length=TITLE_MIN_LENGTH, max_length=TITLE_MAX_LENGTH)
    summary = serializers.CharField(max_length=SUMMARY_MAX_LENGTH)
    context = _section_field()
    people_concerned = _section_field()
    actors = _section_field()
    implementation = _section_field()
    results = _section_field()
    transfer_conditions = _section_field()
    organisation = serializers.CharField(max_length=ORGANISATION_MAX_LENGTH)
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.select_related("region"),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Département inconnu : %(value)s.")},
    )
    themes = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Theme.objects.all(),
        many=True,
        allow_empty=False,
    )
    policies = serializers.SlugRelatedField(
        slug_field="code", queryset=Policy.objects.all(), many=True, required=False
    )
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class PracticeCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class PracticeAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.SerializerMethodField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()

    def get_url(self, attachment) -> str:
        request = self.context.get("request")
        url = attachment.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class PracticeAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class PracticeSerializer(serializers.ModelSerializer):
    """A published practice as anyone may read it: no author, no contact."""

    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    policies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    # None for a national one.
    territory = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    department = serializers.CharField(source="department_id", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()
    sheet_url = serializers.SerializerMethodField()

    class Meta:
        model = Practice
        fields = [
            "id",
            *PUBLIC_TEXT_FIELDS,
            "themes",
            "policies",
            "territory",
            "department",
            "actor_category",
            "featured",
            "tags",
            "published_at",
            "url",
            "sheet_url",
        ]

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_url(self, practice) -> str:
        return self._absolute(practice.get_absolute_url())

    def get_sheet_url(self, practice) -> str:
        return self._absolute(reverse("api-practice-sheet", kwargs={"pk": practice.pk}))


class PracticeDetailSerializer(PracticeSerializer):
    attachments = PracticeAttachmentSerializer(many=True, read_only=True)

    class Meta(PracticeSerializer.Meta):
        fields = [*PracticeSerializer.Meta.fields, "attachments"]

    def to_representation(self, practice):
        data = super().to_representation(practice)
        if self.context.get("can_see_status"):
            data["status"] = "draft" if practice.is_draft else practice.status
            data["moderation"] = {
                "reason": practice.moderation_reason,
                "message": practice.moderation_message,
            }
            data["flags"] = practice.flags
            data["contact_email"] = practice.contact_email
        return data


class PracticeModerationSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[Decision.PUBLISH, Decision.REJECT, Decision.REQUEST_CHANGES],
        error_messages={"invalid_choice": _("Décision inconnue : « %(input)s ».")},
    )
    reason = serializers.ChoiceField(
        choices=RejectReason.choices,
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": _("Motif de refus inconnu : « %(input)s ».")},
    )
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    published_fields = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH), required=False, max_length=10
    )
    featured = serializers.BooleanField(required=False, allow_null=True, default=None)


class PracticeModerationResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
