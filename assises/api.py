"""Back-office API (Assises section of API.md), under the HTML views' rules."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.services.screening import near_copies_for
from contributions.models import Contribution
from egts.models import Territory
from egts.moderation import ModerationDecision
from egts.rules import copil_territory_ids

from . import serializers as s
from .counts import territory_counts
from .models import Assise, Hypothesis, HypothesisReview, Proposal, WorkingGroup
from .services.groups import working_group_save
from .services.moderation import (
    CONTRIBUTION,
    ITEM_TYPES,
    QueueScope,
    moderation_log,
    moderation_queue,
)
from .services.proposals import hypothesis_review, proposal_save, proposal_validate


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


class AssiseList(generics.ListAPIView):
    """Per territory: stage, date, place and counts; COPIL theirs, national team all."""

    serializer_class = s.AssiseSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Assise.objects.none()
        user = self.request.user
        _require(user, "egts.view_back_office")
        queryset = Assise.objects.with_territory()
        if not user.is_national_team:
            queryset = queryset.filter(territory_id__in=copil_territory_ids(user))
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self, "_page_ids", None)
        context["counts"] = territory_counts(page or [])
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._page_ids = [a.territory_id for a in (page if page is not None else queryset)]
        return page


class TerritoryScopedMixin:
    """Resolves ``{slug}``: 404 unless visible, 403 unless the caller is its COPIL or national."""

    permission_classes = [IsAuthenticated]
    add_permission = ""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.assise = get_object_or_404(
            Assise.objects.visible_to(request.user).select_related("territory"),
            territory__slug=kwargs["slug"],
        )
        _require(request.user, "assises.view_assise", self.assise)
        if request.method == "POST":
            _require(request.user, self.add_permission, self.assise)

    def get_serializer_context(self):
        return super().get_serializer_context() | {"territory": self.assise.territory}


class WorkingGroupList(TerritoryScopedMixin, generics.ListCreateAPIView):
    serializer_class = s.WorkingGroupSerializer
    add_permission = "assises.add_workinggroup"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return WorkingGroup.objects.none()
        return (
            WorkingGroup.objects.for_territory(self.assise.territory)
            .select_related("facilitator", "theme", "policy")
            .order_by("name", "id")
        )

    def perform_create(self, serializer):
        group = WorkingGroup(territory=self.assise.territory, **serializer.validated_data)
        serializer.instance = working_group_save(group=group)


class HypothesisList(generics.ListAPIView):
    serializer_class = s.HypothesisSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Hypothesis.objects.none()
        user = self.request.user
        _require(user, "egts.view_back_office")
        queryset = Hypothesis.objects.order_by("theme__order", "id")
        return queryset if user.is_national_team else queryset.published()


class HypothesisReviewList(TerritoryScopedMixin, generics.ListCreateAPIView):
    """A second POST for the same hypothesis updates the territory's review."""

    serializer_class = s.HypothesisReviewSerializer
    add_permission = "assises.review_hypothesis"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return HypothesisReview.objects.none()
        return (
            HypothesisReview.objects.for_territory(self.assise.territory)
            .prefetch_related("supporting_contributions")
            .order_by("hypothesis_id")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = HypothesisReview.objects.filter(
            hypothesis=data["hypothesis"], territory=self.assise.territory
        ).exists()
        review = hypothesis_review(
            hypothesis=data["hypothesis"],
            territory=self.assise.territory,
            reviewed_by=request.user,
            verdict=data["verdict"],
            argument=data["argument"],
            refined_statement=data.get("refined_statement", ""),
            supporting_contributions=data.get("supporting_contributions"),
        )
        return Response(
            self.get_serializer(review).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class ProposalList(TerritoryScopedMixin, generics.ListCreateAPIView):
    serializer_class = s.ProposalSerializer
    add_permission = "assises.add_proposal"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Proposal.objects.none()
        return (
            Proposal.objects.for_territory(self.assise.territory)
            .select_related("theme", "policy")
            .prefetch_related("related_contributions", "related_practices")
            .order_by("created_at", "id")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contributions = data.pop("related_contributions", None)
        practices = data.pop("related_practices", None)
        proposal = Proposal(territory=self.assise.territory, **data)
        try:
            serializer.instance = proposal_save(
                proposal=proposal,
                saved_by=self.request.user,
                contributions=contributions,
                practices=practices,
            )
        except DjangoValidationError as error:
            raise s.serializers.ValidationError(error.message_dict) from None


class ProposalValidate(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.ProposalSerializer

    def post(self, request, pk):
        if not str(pk).isascii() or not str(pk).isdigit():  # "²" is a digit, not an int
            raise NotFound
        proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=int(pk))
        _require(request.user, "assises.validate_proposal", proposal)
        proposal = proposal_validate(proposal=proposal, validated_by=request.user)
        return Response(s.ProposalSerializer(proposal).data)


# ---- Moderation section ------------------------------------------------------------------


def _moderation_scope(request) -> QueueScope:
    """``?territory=`` narrows the scope; a COPIL member asking for another territory gets 403."""
    user = request.user
    slug = request.query_params.get("territory", "")
    if user.is_national_team:
        if not slug:
            return QueueScope()
        if slug == "national":
            return QueueScope(national_only=True)
        return QueueScope(territory=get_object_or_404(Territory, slug=slug))
    copil_ids = copil_territory_ids(user)
    if not copil_ids:
        raise PermissionDenied
    if not slug:
        # Every territory the member moderates: moderated_by() already limits the rows.
        return QueueScope()
    territory = Territory.objects.filter(slug=slug).first()
    if territory is None:
        raise NotFound
    if territory.pk not in copil_ids:
        raise PermissionDenied
    return QueueScope(territory=territory)


class ModerationQueue(generics.ListAPIView):
    """Pending contributions, practices and proposed statements the caller may moderate,
    oldest first."""

    serializer_class = s.QueueItemSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("type", str, enum=list(ITEM_TYPES)),
            OpenApiParameter("status", str, enum=["pending"]),
            OpenApiParameter("territory", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Contribution.objects.none()
        scope = _moderation_scope(self.request)
        params = self.request.query_params
        item_type = params.get("type", "")
        if item_type and item_type not in ITEM_TYPES:
            raise ValidationError(
                {"type": ["Type inconnu : « contribution », « practice » ou « statement »."]}
            )
        if params.get("status", "pending") != "pending":
            raise ValidationError({"status": ["Seul le statut « pending » est disponible."]})
        return moderation_queue(user=self.request.user, scope=scope, item_type=item_type)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else queryset
        # The page's published near-copies in two queries, whatever its size.
        self._near_copies = near_copies_for(
            row["id"] for row in rows if row["item_type"] == CONTRIBUTION
        )
        return page

    def get_serializer_context(self):
        return super().get_serializer_context() | {
            "territory_slugs": dict(Territory.objects.values_list("pk", "slug")),
            "near_copies": getattr(self, "_near_copies", {}),
        }


class ModerationLog(generics.ListAPIView):
    serializer_class = s.ModerationDecisionSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("territory", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ModerationDecision.objects.none()
        scope = _moderation_scope(self.request)
        return moderation_log(user=self.request.user, scope=scope)
