"""API v1, read only: the national action plan, its measures and updates, local actions."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response
from rest_framework.views import APIView

from assises.models import Proposal
from egts.api_guards import PAGE_NOT_FOUND
from egts.api_permissions import RulesPermission

from . import serializers as s
from .filters import LocalActionFilter, MeasureFilter
from .models import Axis, IndicatorValue, LocalAction, Measure, ProgressUpdate, Status


def _proposals() -> Prefetch:
    return Prefetch(
        "proposals", queryset=Proposal.objects.select_related("territory").order_by("id")
    )


def _values() -> Prefetch:
    return Prefetch("values", queryset=IndicatorValue.objects.order_by("indicator_id"))


# A page number past the end answers 404 (DRF's pagination): say so in the schema.


class PlanView(APIView):
    permission_classes = [RulesPermission]
    view_rules = {"get": "actionplan.view_measure"}

    @extend_schema(responses={200: s.PlanSerializer}, summary="Plan d'action national")
    def get(self, request):
        summary = Measure.objects.plan_progress()
        data = {
            "progress": summary["progress"],
            "total": summary["total"],
            "by_status": {value: summary[value] for value in Status.values},
            "axes": Axis.objects.with_progress(),
        }
        return Response(s.PlanSerializer(data).data)


class MeasureList(generics.ListAPIView):
    permission_classes = [RulesPermission]
    view_rules = {"get": "actionplan.view_measure"}
    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilter

    def get_queryset(self):
        return Measure.objects.prefetch_related(_proposals(), "indicators")

    @extend_schema(
        responses={200: s.MeasureSerializer(many=True), 404: PAGE_NOT_FOUND},
        summary="Mesures du plan d'action",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MeasureDetail(generics.RetrieveAPIView):
    permission_classes = [RulesPermission]
    view_rules = {"get": "actionplan.view_measure"}
    serializer_class = s.MeasureDetailSerializer
    queryset = Measure.objects.none()

    def get_object(self):
        pk = str(self.kwargs["pk"])
        if not pk.isascii() or not pk.isdigit() or len(pk) > 18:
            raise exceptions.NotFound
        measure = (
            Measure.objects.prefetch_related(
                _proposals(),
                "indicators",
                Prefetch("updates", queryset=ProgressUpdate.objects.prefetch_related(_values())),
            )
            .filter(pk=int(pk))
            .first()
        )
        if measure is None:
            raise exceptions.NotFound
        return measure


class UpdateList(generics.ListAPIView):
    permission_classes = [RulesPermission]
    view_rules = {"get": "actionplan.view_measure"}
    serializer_class = s.ProgressUpdateSerializer
    queryset = ProgressUpdate.objects.none()

    def get_queryset(self):
        return (
            ProgressUpdate.objects.filter(measure__isnull=False)
            .prefetch_related(_values())
            .order_by("-date", "-id")
        )

    @extend_schema(
        responses={200: s.ProgressUpdateSerializer(many=True), 404: PAGE_NOT_FOUND},
        summary="Points d'avancement des mesures, du plus récent au plus ancien",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class LocalActionList(generics.ListAPIView):
    permission_classes = [RulesPermission]
    view_rules = {"get": "actionplan.view_localaction"}
    serializer_class = s.LocalActionSerializer
    filterset_class = LocalActionFilter

    def get_queryset(self):
        return LocalAction.objects.select_related("territory").prefetch_related(
            _proposals(), "indicators"
        )

    @extend_schema(
        responses={200: s.LocalActionSerializer(many=True), 404: PAGE_NOT_FOUND},
        summary="Actions locales de suivi des territoires",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
