"""API v1: results, consensus, their recomputation, and the paper tallies of an assise."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from egts.models import Territory, Theme

from . import serializers as s
from .api import BodyLimitMixin, published_statement
from .results import computation_for, public_groups, scope_summary, statement_result
from .services import PaperTallyError, paper_tallies_record, results_refresh_request
from .services.tallies import read_csv

TERRITORY_PARAMETER = OpenApiParameter(
    "territory", str, description="Identifiant (slug) du territoire : ses votes seulement"
)
THEME_PARAMETER = OpenApiParameter("theme", str, description="Code du thème (T1–T6)")
# A CSV of paper tallies: MAX_LINES short lines.
MAX_CSV_BYTES = 256 * 1024


def _reference(params, key: str, model, field: str):
    value = (params.get(key) or "")[:80]
    if not value:
        return None
    found = model.objects.filter(**{field: value}).first()
    if found is None:
        raise exceptions.ValidationError({key: [str(_("Code inconnu : %s.") % value[:20])]})
    return found


class StatementResults(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[TERRITORY_PARAMETER], responses={200: s.StatementResultSerializer})
    def get(self, request, pk: str):
        statement = published_statement(pk)
        territory = _reference(request.query_params, "territory", Territory, "slug")
        return Response(statement_result(statement, territory))


class ConsensusSummary(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[TERRITORY_PARAMETER, THEME_PARAMETER], responses={200: s.ConsensusSerializer}
    )
    def get(self, request):
        territory = _reference(request.query_params, "territory", Territory, "slug")
        theme = _reference(request.query_params, "theme", Theme, "code")
        computation = computation_for(territory)
        summary = scope_summary(computation, theme=theme)
        return Response(
            {
                "computed_at": computation.computed_at if computation else None,
                "consensus": [row.statement_id for row in summary if row.consensus],
                "divisive": [row.statement_id for row in summary if row.divisive],
                "groups": public_groups(computation, theme=theme),
            }
        )


class ConsensusRefresh(BodyLimitMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.RefreshSerializer, responses={202: s.RefreshQueuedSerializer})
    def post(self, request):
        form = s.RefreshSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            computation = results_refresh_request(
                territory=form.validated_data.get("territory"), requested_by=request.user
            )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(
                _("Vous ne pouvez pas recalculer les résultats de ce périmètre.")
            ) from exc
        return Response(
            {
                "scope": computation.scope,
                "requested_at": computation.requested_at,
                "computed_at": computation.computed_at,
            },
            status=status.HTTP_202_ACCEPTED,
        )


def _lines_of(request) -> list[dict]:
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > MAX_CSV_BYTES:
            raise exceptions.ValidationError({"file": [_("Le fichier est trop volumineux.")]})
        return read_csv(upload.read())
    data = request.data
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list) and all(isinstance(line, dict) for line in data):
        return data
    raise exceptions.ValidationError(
        {"non_field_errors": [_("Envoyez une ligne, une liste de lignes ou un fichier CSV.")]}
    )


class PaperVotes(BodyLimitMixin, APIView):
    """The tallies of a show of hands or paper ballots at the assise: all lines or none."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request={
            "application/json": s.PaperTallyLineSerializer,
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
        },
        responses={
            201: s.PaperTallySavedSerializer,
            400: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Lignes en erreur."),
        },
    )
    def post(self, request, slug: str):
        territory = get_object_or_404(Territory.objects.all(), slug=slug[:80])
        if not request.user.has_perm("consensus.add_papertally", territory):
            raise exceptions.PermissionDenied(
                _("Seul le COPIL de ce territoire saisit les votes de ses assises.")
            )
        try:
            saved = paper_tallies_record(
                territory=territory, entered_by=request.user, lines=_lines_of(request)
            )
        except PaperTallyError as exc:
            # Not a ValidationError: it would turn the line numbers into strings.
            return Response({"lines": exc.lines}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"saved": len(saved)}, status=status.HTTP_201_CREATED)
