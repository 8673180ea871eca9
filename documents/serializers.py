"""API shapes of the documentation centre: no uploader, no e-mail."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from egts.models import Policy, Territory, Theme

from .models import Document, DocumentKind


class DocumentSerializer(serializers.ModelSerializer):
    # None for a national one.
    territory = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    policies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "kind",
            "author",
            "date",
            "territory",
            "themes",
            "policies",
            "summary",
            "url",
            "file_url",
            "file_name",
            "size",
            "is_public",
        ]

    def get_file_url(self, document) -> str | None:
        if not document.file:
            return None
        request = self.context.get("request")
        url = document.download_url
        return request.build_absolute_uri(url) if request else url


class DocumentFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)
    territory = serializers.CharField(required=False, max_length=80)
    theme = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Theme.objects.all(),
        required=False,
        error_messages={"does_not_exist": _("Thème inconnu : %(value)s.")},
    )
    policy = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Policy.objects.all(),
        required=False,
        error_messages={"does_not_exist": _("Politique inconnue : %(value)s.")},
    )
    q = serializers.CharField(required=False, max_length=200)

    def validate_territory(self, value):
        if value == "national":
            return value
        territory = Territory.objects.filter(slug=value).first()
        if territory is None:
            raise serializers.ValidationError(
                _("Territoire inconnu : %(value)s.") % {"value": value}
            )
        return territory
