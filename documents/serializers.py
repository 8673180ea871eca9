"""API shapes of the documentation centre: no uploader, no e-mail."""

from __future__ import annotations

from rest_framework import serializers

from .models import Document


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
