"""National synthesis and CSV exports (National synthesis section of API.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.models import Questionnaire
from egts.models import Territory
from egts.rules import copil_territory_ids

from . import serializers as s
from .models import Synthesis
from .services.exports import EXPORT_KINDS, ExportScope, export_lines
from .services.synthesis import (
    SynthesisQueueUnavailable,
    syntheses_fail_stale,
    synthesis_publish,
    synthesis_request,
    synthesis_retry,
)

# Seconds after which a refused request may be sent again.
QUEUE_RETRY_AFTER = 60


def _queue_unavailable(error: SynthesisQueueUnavailable) -> Response:
    response = Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(QUEUE_RETRY_AFTER)
    return response


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        if not user.is_authenticated:
            raise NotAuthenticated
        raise PermissionDenied


def _visible_synthesis(request, pk: str) -> Synthesis:
    """404 for what does not exist or the caller may not see (unpublished, to the public)."""
    if not str(pk).isascii() or not str(pk).isdigit():  # "²" is a digit, not an int
        raise NotFound
    syntheses_fail_stale()
    return get_object_or_404(Synthesis.objects.visible_to(request.user), pk=int(pk))


class SynthesisList(generics.ListCreateAPIView):
    """National team: every version; anyone else: the published ones."""

    serializer_class = s.SynthesisSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Synthesis.objects.none()
        syntheses_fail_stale()
        return Synthesis.objects.visible_to(self.request.user).order_by("-version")

    @extend_schema(
        request=None,
        responses={
            202: s.SynthesisQueuedSerializer,
            503: OpenApiResponse(description="La file de traitement est injoignable."),
        },
    )
    def post(self, request, *args, **kwargs):
        _require(request.user, "assises.request_synthesis")
        try:
            synthesis = synthesis_request(requested_by=request.user)
        except SynthesisQueueUnavailable as error:
            return _queue_unavailable(error)
        return Response(
            {"id": synthesis.pk, "status": synthesis.status, "version": synthesis.version},
            status=status.HTTP_202_ACCEPTED,
        )


class SynthesisDetail(APIView):
    serializer_class = s.SynthesisDetailSerializer

    @extend_schema(responses=s.SynthesisDetailSerializer)
    def get(self, request, pk):
        synthesis = _visible_synthesis(request, pk)
        return Response(s.SynthesisDetailSerializer(synthesis, context={"request": request}).data)


class PdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class SynthesisPdf(APIView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        synthesis = _visible_synthesis(request, pk)
        if not synthesis.is_done or not synthesis.pdf:
            raise NotFound("La synthèse n'est pas encore prête.")
        response = FileResponse(synthesis.pdf.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="synthese-nationale-v{synthesis.version}.pdf"'
        )
        return response


class _SynthesisAction(APIView):
    """A POST on one version: subclasses name the permission and define ``perform``."""

    permission = ""

    @extend_schema(request=None, responses=s.SynthesisDetailSerializer)
    def post(self, request, pk):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        synthesis = _visible_synthesis(request, pk)
        _require(request.user, self.permission, synthesis)
        try:
            synthesis = self.perform(synthesis)
        except DjangoValidationError as error:
            raise ApiValidationError({"status": error.messages}) from None
        except SynthesisQueueUnavailable as error:
            return _queue_unavailable(error)
        return Response(s.SynthesisDetailSerializer(synthesis, context={"request": request}).data)


class SynthesisPublish(_SynthesisAction):
    """Makes a finished version public (page, PDF, API)."""

    permission = "assises.publish_synthesis"

    def perform(self, synthesis):
        return synthesis_publish(synthesis=synthesis, published_by=self.request.user)


class SynthesisRetry(_SynthesisAction):
    """Queues a failed version again, from the same frozen figures."""

    permission = "assises.retry_synthesis"

    def perform(self, synthesis):
        return synthesis_retry(synthesis=synthesis)


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return str(data).encode() if data is not None else b""


def export_scope(request) -> ExportScope:
    """National team: all or ``?territory=``; COPIL: their territories, 403 for another."""
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated
    slug = request.query_params.get("territory", "")
    territory = None
    if slug:
        territory = Territory.objects.filter(slug=slug).first()
        if territory is None:
            raise NotFound("Territoire inconnu.")
    if user.is_national_team:
        return ExportScope(frozenset([territory.pk]) if territory else None)
    if territory is not None:
        _require(user, "assises.export_data", territory)
        return ExportScope(frozenset([territory.pk]))
    copil_ids = copil_territory_ids(user)
    if not copil_ids:
        raise PermissionDenied
    return ExportScope(frozenset(copil_ids))


class Export(APIView):
    """Streamed CSV (`;`, UTF-8 with BOM); ``?questionnaire=`` narrows the responses."""

    renderer_classes = [JSONRenderer, CsvRenderer]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("territory", str),
            OpenApiParameter("questionnaire", str, description="responses only"),
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV stream")},
    )
    def get(self, request, kind):
        if kind not in EXPORT_KINDS:
            raise NotFound
        scope = export_scope(request)
        questionnaire = None
        if kind == "responses" and request.query_params.get("questionnaire"):
            questionnaire = Questionnaire.objects.filter(
                slug=request.query_params["questionnaire"]
            ).first()
            if questionnaire is None:
                raise NotFound("Questionnaire inconnu.")
        response = StreamingHttpResponse(
            export_lines(kind, scope, questionnaire=questionnaire),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}-{scope_name(scope)}.csv"'
        return response


def scope_name(scope: ExportScope) -> str:
    """What the file holds, for its name: a COPIL's export is not "tous-territoires"."""
    if scope.territory_ids is None:
        return "tous-territoires"
    slugs = sorted(
        Territory.objects.filter(pk__in=scope.territory_ids).values_list("slug", flat=True)
    )
    return "-".join(slugs) if slugs else "aucun-territoire"
