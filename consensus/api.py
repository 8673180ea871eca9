"""API v1: statements, their moderation and the votes on them (shared/API.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from egts import api_guards
from egts.api_guards import pk_or_404
from egts.ratelimit import ClientThrottle

from . import serializers as s
from . import services
from .filters import StatementFilter
from .models import Statement

# A statement is 280 characters; a paper-tally CSV of MAX_LINES lines stays far below.
MAX_BODY = 512 * 1024


class BodyLimitMixin(api_guards.BodyLimitMixin):
    max_body = MAX_BODY


def published_statement(pk: str) -> Statement:
    return get_object_or_404(Statement.objects.published(), pk=pk_or_404(pk))


class VoteThrottle(ClientThrottle):
    """Per client address, signed in or not. The voting page counts against the same rate."""

    scope = "statement_vote"


STATUS_PARAMETER = OpenApiParameter(
    "status",
    str,
    enum=["published", "pending"],
    description="« pending » : la file de modération de l'appelant (COPIL, équipe nationale).",
)


class StatementListCreate(BodyLimitMixin, generics.ListCreateAPIView):
    filterset_class = StatementFilter

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else [AllowAny()]

    def get_serializer_class(self):
        if self.request.method == "POST":
            return s.StatementCreateSerializer
        if self.request.query_params.get("status") == "pending":
            return s.StatementQueueSerializer
        return s.StatementSerializer

    def get_queryset(self):
        statements = Statement.objects.with_references()
        wanted = self.request.query_params.get("status", "published")
        if wanted == "published":
            return statements.published()
        if wanted == "pending":
            # Only what the caller may moderate: a COPIL never sees another territory's.
            return statements.moderated_by(self.request.user).pending().order_by("submitted_at")
        raise exceptions.ValidationError({"status": [_("Statut inconnu.")]})

    @extend_schema(parameters=[STATUS_PARAMETER], responses={200: s.StatementSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.StatementCreateSerializer, responses={201: s.StatementCreatedSerializer}
    )
    def post(self, request, *args, **kwargs):
        form = s.StatementCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        source = data.get("source") or {}
        statement = services.statement_submit(
            author=request.user,
            text=data["text"],
            theme=data["theme"],
            policy=data.get("policy"),
            territory=data.get("territory"),
            source_type=source.get("type", ""),
            source_id=source.get("id"),
        )
        return Response(
            {
                "id": statement.pk,
                "status": statement.status,
                "text": statement.text,
                "source": {"type": statement.source_type, "id": statement.source_id},
            },
            status=status.HTTP_201_CREATED,
        )


class StatementModeration(BodyLimitMixin, APIView):
    """One decision on one statement, by its territory's COPIL or the national team."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.StatementModerationSerializer,
        responses={200: OpenApiResponse(response=OpenApiTypes.OBJECT)},
    )
    def post(self, request, pk: str):
        # As for contributions: anyone signed in learns it exists (403), nothing changes.
        statement = get_object_or_404(Statement.objects.all(), pk=pk_or_404(pk))
        if not request.user.has_perm("consensus.moderate_statement", statement):
            raise exceptions.PermissionDenied(
                _("Vous ne pouvez pas modérer les énoncés de ce territoire.")
            )
        form = s.StatementModerationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            services.statement_moderate(
                statement=statement,
                moderator=request.user,
                decision=data["decision"],
                reason=data.get("reason", ""),
                message=data.get("message", ""),
            )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied from exc
        return Response({"id": statement.pk, "status": statement.status})


class StatementVote(BodyLimitMixin, APIView):
    permission_classes = [AllowAny]
    throttle_classes = [VoteThrottle]

    @extend_schema(
        request=s.VoteSerializer,
        responses={
            200: s.VoteResultSerializer,
            201: s.VoteResultSerializer,
            404: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Non publié."),
            429: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Trop de votes."),
        },
    )
    def post(self, request, pk: str):
        statement = published_statement(pk)
        form = s.VoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = request.user
        category = form.validated_data.get("actor_category") or (
            user.actor_category if user.is_authenticated else ""
        )
        if not category:
            raise exceptions.ValidationError(
                {"actor_category": [_("Indiquez votre catégorie d'acteur.")]}
            )
        vote, created = services.vote_cast(
            statement=statement,
            vote=form.validated_data["vote"],
            actor_category=category,
            user=user,
            session_key="" if user.is_authenticated else services.voter_key(request),
        )
        return Response(
            {"statement": statement.pk, "vote": vote.vote, "actor_category": vote.actor_category},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
