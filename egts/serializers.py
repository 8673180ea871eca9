"""Serializers of the reference data and of the token endpoint."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import ActorCategory, Department, Policy, Region, Stage, Territory, Theme


class CodeLabelSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["code", "label"]


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = Policy
        fields = ["code", "label"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name"]


class DepartmentSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    territory = serializers.SlugRelatedField(
        source="region.territory", slug_field="slug", read_only=True
    )

    class Meta:
        model = Department
        fields = ["code", "name", "region", "territory"]


class TerritorySerializer(serializers.ModelSerializer):
    regions = RegionSerializer(many=True, read_only=True)
    theme = ThemeSerializer(read_only=True)
    policy = PolicySerializer(read_only=True)

    class Meta:
        model = Territory
        fields = [
            "slug",
            "name",
            "wave",
            "overseas",
            "regions",
            "theme",
            "policy",
            "place",
            "assises_date",
        ]


class TerritoryDetailSerializer(TerritorySerializer):
    departments = serializers.SerializerMethodField()

    class Meta(TerritorySerializer.Meta):
        fields = [*TerritorySerializer.Meta.fields, "departments"]

    @extend_schema_field(DepartmentRefSerializer(many=True))
    def get_departments(self, territory) -> list[dict]:
        departments = sorted(
            (d for r in territory.regions.all() for d in r.departments.all()), key=lambda d: d.code
        )
        return DepartmentRefSerializer(departments, many=True).data


class StageSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = Stage
        fields = ["code", "label", "starts", "ends", "current", "content"]

    def get_current(self, stage) -> bool:
        current = self.context.get("current_stage")
        return current is not None and current.code == stage.code


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField(
        help_text="After this, the token answers 401: ask for a new one."
    )


def actor_categories() -> list[dict]:
    return [{"code": value, "label": str(label)} for value, label in ActorCategory.choices]
