"""API shapes of the analysis (the "Analysis of free text" section of API.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contributions.serializers import CodeRelatedField
from egts.models import Territory, Theme

from .models import AnalysisRun, Campaign, Quote, RunStatus, Topic
from .services.edits import LABEL_MAX_LENGTH, LABEL_MIN_LENGTH


class AnalysisRequestSerializer(serializers.Serializer):
    territory = CodeRelatedField(
        slug_field="slug", queryset=Territory.objects.all(), required=False, allow_null=True
    )
    theme = CodeRelatedField(
        slug_field="code", queryset=Theme.objects.all(), required=False, allow_null=True
    )


class AnalysisQueuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    version = serializers.IntegerField()


class ScopeSerializer(serializers.Serializer):
    territory = serializers.CharField(allow_null=True)
    theme = serializers.CharField(allow_null=True)


class AnalysisRunSerializer(serializers.ModelSerializer):
    # A plain string in the schema: an enum named "status" would collide with the others.
    status = serializers.CharField(read_only=True, help_text="queued | running | done | failed")
    scope = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = AnalysisRun
        fields = [
            "id",
            "version",
            "status",
            "phase",
            "progress",
            "scope",
            "documents",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        ]
        read_only_fields = fields

    @extend_schema_field(ScopeSerializer)
    def get_scope(self, run) -> dict:
        return {
            "territory": run.territory.slug if run.territory_id else None,
            "theme": run.theme_id,
        }

    def get_error(self, run) -> str | None:
        return run.error if run.status == RunStatus.FAILED else None


class QuoteSerializer(serializers.ModelSerializer):
    contribution = serializers.IntegerField(source="contribution_id", read_only=True)

    class Meta:
        model = Quote
        fields = ["id", "contribution", "text", "pinned"]
        read_only_fields = fields


class TopicSerializer(serializers.ModelSerializer):
    """A topic with its shares (counts under 5 are null) and its shown quotes; the view
    passes the shares and quotes it read for the whole page in ``context``."""

    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    quotes = serializers.SerializerMethodField()
    by_actor_category = serializers.SerializerMethodField()
    by_territory = serializers.SerializerMethodField()
    by_theme = serializers.SerializerMethodField()
    matched_from = serializers.IntegerField(source="matched_from_id", read_only=True)

    class Meta:
        model = Topic
        fields = [
            "id",
            "label",
            "keywords",
            "size",
            "documents",
            "noise",
            "quotes",
            "by_actor_category",
            "by_territory",
            "by_theme",
            "matched_from",
        ]
        read_only_fields = fields

    def _shares(self, topic, dimension: str) -> dict:
        return self.context["shares"][topic.pk][dimension]

    @extend_schema_field(QuoteSerializer(many=True))
    def get_quotes(self, topic) -> list:
        return QuoteSerializer(self.context["quotes"].get(topic.pk, []), many=True).data

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField(allow_null=True)))
    def get_by_actor_category(self, topic) -> dict:
        return self._shares(topic, "actor_category")

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField(allow_null=True)))
    def get_by_territory(self, topic) -> dict:
        return self._shares(topic, "territory")

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField(allow_null=True)))
    def get_by_theme(self, topic) -> dict:
        return self._shares(topic, "theme")


class TopicUpdateSerializer(serializers.Serializer):
    label = serializers.CharField(
        required=False,
        min_length=LABEL_MIN_LENGTH,
        max_length=LABEL_MAX_LENGTH,
        trim_whitespace=True,
    )
    noise = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Indiquez un intitulé (label) ou noise.")]}
            )
        return attrs


class TopicMergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=2**62)


class QuoteUpdateSerializer(serializers.Serializer):
    pinned = serializers.BooleanField(required=False)
    removed = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Indiquez pinned ou removed.")]}
            )
        return attrs


class CampaignSerializer(serializers.ModelSerializer):
    contributions = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "size", "text", "contributions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_contributions(self, campaign) -> list[int]:
        return self.context["members"].get(campaign.pk, [])
