from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analysis.services.screening import NEAR_COPY_FLAG
from contributions.models import Contribution
from egts.models import Policy, Theme, User
from practices.models import Practice

from .models import (
    Hypothesis,
    HypothesisReview,
    Proposal,
    Synthesis,
    SynthesisStatus,
    Verdict,
    WorkingGroup,
)


class CountsSerializer(serializers.Serializer):
    contributions = serializers.IntegerField()
    practices = serializers.IntegerField()
    responses = serializers.IntegerField()
    working_groups = serializers.IntegerField()
    proposals = serializers.IntegerField()


class AssiseSerializer(serializers.Serializer):
    territory = serializers.CharField(source="territory.slug")
    name = serializers.CharField(source="territory.name")
    stage = serializers.CharField()
    assises_date = serializers.DateField(source="territory.assises_date", allow_null=True)
    place = serializers.CharField(source="territory.place")
    counts = serializers.SerializerMethodField()

    def get_counts(self, assise) -> CountsSerializer:
        figures = self.context["counts"][assise.territory_id]
        return {
            "contributions": figures["contributions_pending"] + figures["contributions_published"],
            "practices": figures["practices_pending"] + figures["practices_published"],
            "responses": figures["responses"],
            "working_groups": figures["working_groups"],
            "proposals": figures["proposals"],
        }


_code_error = {"does_not_exist": _("Code inconnu : « {value} »."), "invalid": _("Code invalide.")}


def theme_field():
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Theme.objects.all(), error_messages=_code_error
    )


def policy_field():
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Policy.objects.all(), error_messages=_code_error
    )


class WorkingGroupSerializer(serializers.ModelSerializer):
    theme = theme_field()
    policy = policy_field()
    facilitator = serializers.SlugRelatedField(
        slug_field="email",
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        error_messages={
            "does_not_exist": _("Cette personne n'a pas de rôle dans le territoire."),
            "invalid": _("Adresse invalide."),
        },
    )

    class Meta:
        model = WorkingGroup
        fields = ["id", "name", "theme", "policy", "scale", "facilitator"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        territory = self.context.get("territory")
        if territory is not None:
            self.fields["facilitator"].queryset = User.objects.filter(
                memberships__territory=territory
            )


class HypothesisSerializer(serializers.ModelSerializer):
    theme = serializers.CharField(source="theme_id")
    policy = serializers.CharField(source="policy_id")

    class Meta:
        model = Hypothesis
        fields = ["id", "statement", "theme", "policy"]


class HypothesisReviewSerializer(serializers.ModelSerializer):
    hypothesis = serializers.PrimaryKeyRelatedField(
        queryset=Hypothesis.objects.published(),
        error_messages={"does_not_exist": _("Hypothèse inconnue.")},
    )
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    refined_statement = serializers.CharField(required=False, allow_blank=True, default="")
    supporting_contributions = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Contribution.objects.none(),
        error_messages={"does_not_exist": _("Contribution publiée du territoire introuvable.")},
    )

    class Meta:
        model = HypothesisReview
        fields = [
            "id",
            "hypothesis",
            "verdict",
            "argument",
            "refined_statement",
            "supporting_contributions",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        # One review per hypothesis and territory: the service updates, so no unique check here.
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        territory = self.context.get("territory")
        if territory is not None:
            self.fields[
                "supporting_contributions"
            ].child_relation.queryset = Contribution.objects.published().for_territory(territory)

    def validate(self, attrs):
        if (
            attrs.get("verdict") == Verdict.REFINED
            and not attrs.get("refined_statement", "").strip()
        ):
            raise serializers.ValidationError(
                {"refined_statement": [_("Indiquez la nouvelle formulation de l'hypothèse.")]}
            )
        return attrs


class ProposalSerializer(serializers.ModelSerializer):
    theme = theme_field()
    policy = policy_field()
    working_group = serializers.PrimaryKeyRelatedField(
        queryset=WorkingGroup.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Ce groupe n'appartient pas au territoire.")},
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "title",
            "description",
            "working_group",
            "theme",
            "policy",
            "level",
            "owner",
            "priority",
            "deadline",
            "indicators",
            "status",
            "rank",
            "related_contributions",
            "related_practices",
        ]
        read_only_fields = ["id", "status", "rank"]
        extra_kwargs = {
            "related_contributions": {"required": False},
            "related_practices": {"required": False},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        territory = self.context.get("territory")
        if territory is not None:
            self.fields["working_group"].queryset = WorkingGroup.objects.filter(territory=territory)
            self.fields[
                "related_contributions"
            ].child_relation.queryset = Contribution.objects.published().for_territory(territory)
            self.fields[
                "related_practices"
            ].child_relation.queryset = Practice.objects.published().for_territory(territory)


class QueueNearCopySerializer(serializers.Serializer):
    """A published contribution that the queued one nearly copies (public data only)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    similarity = serializers.FloatField()
    campaign_size = serializers.IntegerField(allow_null=True)


class QueueItemSerializer(serializers.Serializer):
    """``flags`` are the item's personal-data codes, plus ``near_copy`` when its screening
    found a published near-copy; ``near_copies`` names those originals, as the HTML queue
    does. Both come from the view's ``near_copies`` context (one read per page)."""

    type = serializers.CharField(source="item_type")
    id = serializers.IntegerField()
    title = serializers.CharField()
    territory = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField()
    flags = serializers.SerializerMethodField()
    near_copies = serializers.SerializerMethodField()

    def get_territory(self, item) -> str | None:
        return self.context["territory_slugs"].get(item["territory_id"])

    def _near_copies(self, item) -> list:
        if item["item_type"] != "contribution":
            return []
        return self.context.get("near_copies", {}).get(item["id"], [])

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_flags(self, item) -> list[str]:
        flags = list(item["flags"] or [])
        if self._near_copies(item):
            flags.append(NEAR_COPY_FLAG)
        return flags

    @extend_schema_field(QueueNearCopySerializer(many=True))
    def get_near_copies(self, item) -> list[dict]:
        return [
            {
                "id": copy.id,
                "title": copy.title,
                "similarity": round(copy.similarity, 3),
                "campaign_size": copy.campaign_size,
            }
            for copy in self._near_copies(item)
        ]


class ModerationDecisionSerializer(serializers.Serializer):
    type = serializers.CharField(source="content_type.model")
    id = serializers.IntegerField(source="object_id")
    title = serializers.CharField(source="item_title")
    territory = serializers.SerializerMethodField()
    decision = serializers.CharField()
    reason = serializers.CharField()
    message = serializers.CharField()
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="decided_at")

    def get_territory(self, entry) -> str | None:
        return entry.territory.slug if entry.territory_id else None

    def get_by(self, entry) -> str | None:
        return entry.decided_by.email if entry.decided_by else None


# ---- National synthesis ------------------------------------------------------------------

# What the API publishes of the frozen figures: every aggregate, not the long lists that
# only the report prints (they are in the CSV exports).
API_FIGURE_KEYS = (
    "contributions",
    "practices",
    "responses",
    "proposals",
    "by_territory",
    "without_territory",
    "by_theme",
    "by_actor_category",
    "responses_by_actor_category",
    "by_source",
    "theme_policy",
    "convergences",
)


class SynthesisSerializer(serializers.ModelSerializer):
    # A plain string in the schema: its name "status" would collide with other enums.
    status = serializers.CharField(read_only=True, help_text="queued | running | done | failed")

    class Meta:
        model = Synthesis
        fields = [
            "id",
            "version",
            "status",
            "progress",
            "created_at",
            "started_at",
            "finished_at",
            "published",
            "published_at",
        ]
        read_only_fields = fields


class FiguresSerializer(serializers.Serializer):
    contributions = serializers.IntegerField()
    practices = serializers.IntegerField()
    responses = serializers.IntegerField()
    proposals = serializers.IntegerField()
    by_territory = serializers.DictField(child=serializers.DictField())
    by_theme = serializers.DictField(child=serializers.DictField())
    by_actor_category = serializers.DictField(child=serializers.IntegerField())


class SynthesisDetailSerializer(SynthesisSerializer):
    figures = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    retry_url = serializers.SerializerMethodField()

    class Meta(SynthesisSerializer.Meta):
        fields = [
            *SynthesisSerializer.Meta.fields,
            "figures",
            "error",
            "pdf_url",
            "retry_url",
            "attempts",
        ]
        read_only_fields = fields

    def get_figures(self, synthesis) -> FiguresSerializer:
        return {k: synthesis.figures[k] for k in API_FIGURE_KEYS if k in synthesis.figures}

    def get_error(self, synthesis) -> str | None:
        return synthesis.error if synthesis.status == SynthesisStatus.FAILED else None

    def get_retry_url(self, synthesis) -> str | None:
        """Where to POST to start a failed build again ("Relancer"), for whoever may."""
        request = self.context.get("request")
        if synthesis.status != SynthesisStatus.FAILED or request is None:
            return None
        if not request.user.has_perm("assises.retry_synthesis", synthesis):
            return None
        return request.build_absolute_uri(reverse("api-synthesis-retry", args=[synthesis.pk]))

    def get_pdf_url(self, synthesis) -> str | None:
        if not synthesis.is_done:
            return None
        path = reverse("api-synthesis-pdf", args=[synthesis.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class SynthesisQueuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    version = serializers.IntegerField()
