"""API v1: contributions, their moderation decision, questionnaires and their results."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from egts import ratelimit, resubmission
from egts.api_guards import PAGE_NOT_FOUND, BodyLimitMixin, pk_or_404
from egts.models import ActorCategory, Territory

from . import serializers as s
from . import services, similar
from .filters import ContributionApiFilter
from .models import Contribution, Questionnaire
from .results import questionnaire_results

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def _slug_or_404(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise exceptions.NotFound
    return value


def _param(params, key: str, limit: int = 200) -> str:
    """A query parameter, cut to ``limit`` (control characters never get this far:
    egts/input.py refuses them)."""
    return (params.get(key) or "")[:limit]


# A page number past the end answers 404 (DRF's pagination): say so in the schema.

# --- Contributions ----------------------------------------------------------------------


class ContributionListCreate(BodyLimitMixin, generics.ListCreateAPIView):
    serializer_class = s.ContributionSerializer
    filterset_class = ContributionApiFilter

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_serializer_class(self):
        if self.request.method == "POST":
            return s.ContributionCreateSerializer
        return s.ContributionSerializer

    def get_queryset(self):
        return Contribution.objects.published().with_references()

    @extend_schema(
        responses={200: s.ContributionSerializer(many=True), 404: PAGE_NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.ContributionCreateSerializer, responses={201: s.ContributionCreatedSerializer}
    )
    def post(self, request, *args, **kwargs):
        form = s.ContributionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ratelimit.check_api(scope="contribution_submit", request=request)
        data = form.validated_data
        contribution = services.contribution_submit(
            author=request.user,
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            themes=data["themes"],
            policies=data.get("policies", []),
            department=data.get("department"),
            actor_category=data["actor_category"],
        )
        return Response(s.contribution_created(contribution), status=status.HTTP_201_CREATED)


class SimilarThrottle(ratelimit.ClientThrottle):
    """Per client address, signed in or not: the form calls it while one types."""

    scope = "similar_lookup"


class SimilarContributions(APIView):
    """Published contributions close to a text, to read before writing the same thing."""

    permission_classes = [AllowAny]
    throttle_classes = [SimilarThrottle]

    @extend_schema(
        operation_id="contributions_similar",
        parameters=[s.SimilarQuerySerializer],
        responses={
            200: s.SimilarResultsSerializer,
            400: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Texte invalide."),
            429: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Trop de requêtes."),
        },
    )
    def get(self, request):
        query = s.SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = similar.similar_contributions(query.validated_data["text"])
        return Response(s.SimilarResultsSerializer({"results": found}).data)


class ContributionDetail(generics.RetrieveAPIView):
    serializer_class = s.ContributionDetailSerializer

    def get_queryset(self):
        return Contribution.objects.visible_to(self.request.user).with_references()

    def retrieve(self, request, *args, **kwargs):
        contribution = get_object_or_404(self.get_queryset(), pk=pk_or_404(kwargs["pk"]))
        show_status = request.user.has_perm("contributions.view_status_contribution", contribution)
        serializer = s.ContributionDetailSerializer(
            contribution, context={"request": request, "show_status": show_status}
        )
        return Response(serializer.data)


class ContributionModeration(BodyLimitMixin, APIView):
    """One decision on one contribution, by its territory's COPIL or the national team."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.ModerationDecisionSerializer, responses={200: s.ModerationResultSerializer}
    )
    def post(self, request, pk: str):
        # Moderators must learn that a pending item exists; anyone else gets 403, as the
        # contract says, and nothing changes.
        contribution = get_object_or_404(Contribution.objects.all(), pk=pk_or_404(pk))
        if not request.user.has_perm("contributions.moderate_contribution", contribution):
            raise exceptions.PermissionDenied(
                _("Vous ne pouvez pas modérer les contributions de ce territoire.")
            )
        form = s.ModerationDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            services.contribution_moderate(
                contribution=contribution,
                moderator=request.user,
                decision=data["decision"],
                reason=data.get("reason", ""),
                message=data.get("message", ""),
                published_body=data.get("published_body"),
            )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied from exc
        return Response({"id": contribution.pk, "status": contribution.status})


class MyContributionList(generics.ListAPIView):
    serializer_class = s.MyContributionSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.MyContributionSerializer(many=True), 404: PAGE_NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Contribution.objects.authored_by(self.request.user)
            .with_references()
            .order_by("-submitted_at", "-id")
        )


# --- Questionnaires ---------------------------------------------------------------------


class QuestionnaireList(generics.ListAPIView):
    serializer_class = s.QuestionnaireSerializer

    @extend_schema(responses={200: s.QuestionnaireSerializer(many=True), 404: PAGE_NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Questionnaire.objects.open().order_by("closes_at", "title")


class QuestionnaireDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.QuestionnaireDetailSerializer})
    def get(self, request, slug: str):
        questionnaire = get_object_or_404(Questionnaire.objects.started(), slug=_slug_or_404(slug))
        questions = services.questionnaire_questions(questionnaire)
        return Response(
            s.QuestionnaireDetailSerializer(questionnaire, context={"questions": questions}).data
        )


class ResponseCreate(BodyLimitMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=s.ResponseCreateSerializer, responses={201: s.ResponseCreatedSerializer})
    def post(self, request, slug: str):
        held = services.questionnaire_for_answers(_slug_or_404(slug))
        if held is None:
            raise exceptions.NotFound
        questionnaire, questions = held
        form = s.ResponseCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        if not request.user.is_authenticated:
            ratelimit.check_api(scope="questionnaire_response", request=request)
        data = form.validated_data
        response = services.response_submit(
            questionnaire=questionnaire,
            user=request.user,
            actor_category=data["actor_category"],
            department=data.get("department"),
            answers=data["answers"],
            questions=questions,
            sender=resubmission.sender_of(request),
        )
        return Response(
            {
                "id": response.pk,
                "questionnaire": questionnaire.slug,
                "answers": len(data["answers"]),
            },
            status=status.HTTP_201_CREATED,
        )


class QuestionnaireResults(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("territory", str, description="Identifiant (slug) du territoire"),
            OpenApiParameter("actor_category", str, enum=ActorCategory.values),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, slug: str):
        questionnaire = get_object_or_404(Questionnaire.objects.started(), slug=_slug_or_404(slug))
        errors = {}
        territory = None
        territory_slug = _param(request.query_params, "territory", 80)
        if territory_slug:
            territory = Territory.objects.filter(slug=territory_slug).first()
            if territory is None:
                errors["territory"] = [str(_("Territoire inconnu."))]
        actor_category = _param(request.query_params, "actor_category", 40)
        if actor_category and actor_category not in ActorCategory.values:
            errors["actor_category"] = [str(_("Catégorie d'acteur inconnue."))]
        if errors:
            raise exceptions.ValidationError(errors)
        return Response(
            questionnaire_results(
                questionnaire=questionnaire, territory=territory, actor_category=actor_category
            )
        )
