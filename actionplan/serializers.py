"""API shapes of the action plan: public data only (no author, no e-mail)."""

from __future__ import annotations

from rest_framework import serializers

from .models import Axis, Indicator, IndicatorValue, LocalAction, Measure, ProgressUpdate


class AxisSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(source="progress_value", read_only=True)
    measure_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Axis
        fields = ["id", "title", "description", "order", "progress", "measure_count"]


class PlanSerializer(serializers.Serializer):
    progress = serializers.FloatField()
    measures = serializers.IntegerField(source="total")
    by_status = serializers.DictField(child=serializers.IntegerField())
    axes = AxisSerializer(many=True)


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "label", "unit", "target_value", "current_value"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.IntegerField(source="indicator_id")

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "value"]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    measure = serializers.IntegerField(source="measure_id", allow_null=True)
    local_action = serializers.IntegerField(source="local_action_id", allow_null=True)
    values = IndicatorValueSerializer(many=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "measure",
            "local_action",
            "date",
            "status",
            "previous_status",
            "progress",
            "text",
            "values",
        ]


class ProposalOriginSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    territory = serializers.CharField(source="territory.slug")
    theme = serializers.CharField(source="theme_id")


class _TrackedSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True)
    proposals = ProposalOriginSerializer(many=True)


class MeasureSerializer(_TrackedSerializer):
    axis = serializers.IntegerField(source="axis_id")
    territories = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = [
            "id",
            "axis",
            "title",
            "description",
            "owner",
            "partners",
            "deadline",
            "budget",
            "status",
            "abandon_reason",
            "progress",
            "indicators",
            "proposals",
            "territories",
            "themes",
        ]

    def get_territories(self, measure) -> list[str]:
        return sorted({p.territory.slug for p in measure.proposals.all()})

    def get_themes(self, measure) -> list[str]:
        return sorted({p.theme_id for p in measure.proposals.all()})


class MeasureDetailSerializer(MeasureSerializer):
    updates = ProgressUpdateSerializer(many=True)

    class Meta(MeasureSerializer.Meta):
        fields = [*MeasureSerializer.Meta.fields, "updates"]


class LocalActionSerializer(_TrackedSerializer):
    territory = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = LocalAction
        fields = [
            "id",
            "territory",
            "title",
            "description",
            "owner",
            "partners",
            "deadline",
            "budget",
            "status",
            "abandon_reason",
            "progress",
            "indicators",
            "proposals",
        ]
