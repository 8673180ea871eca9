"""API v1: analysis runs, their topics, quotes and campaigns (API.md, "Analysis of free text").

A run, and everything in it, is 404 to whoever may not see it (a COPIL member of another
territory, a participant); asking to *start* a run for a scope one may not analyse is 403.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from egts.api_guards import PAGE_NOT_FOUND, BodyLimitMixin, pk_or_404

from . import serializers as s
from .models import AnalysisRun, Campaign, Quote, Topic, TopicMembership
from .services.edits import quote_update, topic_merge, topic_rename, topic_set_noise
from .services.reports import quotes_of, shares_of
from .services.runs import (
    AnalysisQueueUnavailable,
    analyses_fail_stale,
    analysis_request,
    analysis_retry,
)

QUEUE_RETRY_AFTER = 60


def _authenticated(request) -> None:
    if not request.user.is_authenticated:
        raise NotAuthenticated


def visible_run(request, pk) -> AnalysisRun:
    _authenticated(request)
    return get_object_or_404(
        AnalysisRun.objects.visible_to(request.user).select_related("territory"),
        pk=pk_or_404(pk),
    )


def visible_topic(request, pk, topic_pk) -> Topic:
    run = visible_run(request, pk)
    topic = get_object_or_404(run.topics.all(), pk=pk_or_404(topic_pk))
    topic.run = run
    return topic


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _queue_unavailable(error: AnalysisQueueUnavailable) -> Response:
    response = Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(QUEUE_RETRY_AFTER)
    return response


def _validation(error: DjangoValidationError) -> ApiValidationError:
    detail = (
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )
    return ApiValidationError(detail)


class AnalysisList(BodyLimitMixin, generics.ListCreateAPIView):
    """National team: every run; COPIL members: their territories' runs."""

    permission_classes = [IsAuthenticated]

    serializer_class = s.AnalysisRunSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return AnalysisRun.objects.none()
        _authenticated(self.request)
        analyses_fail_stale()
        return (
            AnalysisRun.objects.visible_to(self.request.user)
            .select_related("territory")
            .defer("model", "parameters")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        request=s.AnalysisRequestSerializer,
        responses={
            202: s.AnalysisQueuedSerializer,
            503: OpenApiResponse(description="La file de traitement est injoignable."),
        },
    )
    def post(self, request, *args, **kwargs):
        _authenticated(request)
        form = s.AnalysisRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        territory = form.validated_data.get("territory")
        theme = form.validated_data.get("theme")
        _require(request.user, "analysis.request_analysisrun", territory)
        try:
            run = analysis_request(requested_by=request.user, territory=territory, theme=theme)
        except AnalysisQueueUnavailable as error:
            return _queue_unavailable(error)
        return Response(
            {"id": run.pk, "status": run.status, "version": run.version},
            status=status.HTTP_202_ACCEPTED,
        )


class AnalysisDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.AnalysisRunSerializer)
    def get(self, request, pk):
        analyses_fail_stale()
        return Response(s.AnalysisRunSerializer(visible_run(request, pk)).data)


class AnalysisRetry(APIView):
    """Resumes a failed run where it stopped (done chunks are kept)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.AnalysisRunSerializer)
    def post(self, request, pk):
        run = visible_run(request, pk)
        _require(request.user, "analysis.retry_analysisrun", run)
        try:
            run = analysis_retry(run=run)
        except DjangoValidationError as error:
            raise ApiValidationError({"status": error.messages}) from None
        except AnalysisQueueUnavailable as error:
            return _queue_unavailable(error)
        return Response(s.AnalysisRunSerializer(run).data)


def topic_context(topics) -> dict:
    topics = list(topics)
    return {"shares": shares_of(topics, public=True), "quotes": quotes_of(topics)}


class TopicList(generics.ListAPIView):
    """The run's topics, largest first; merged ones have left the list."""

    permission_classes = [IsAuthenticated]

    serializer_class = s.TopicSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Topic.objects.none()
        self.run = visible_run(self.request, self.kwargs["pk"])
        return self.run.topics.listed().order_by("-size", "index")

    @extend_schema(responses={200: s.TopicSerializer(many=True), 404: PAGE_NOT_FOUND})
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        serializer = s.TopicSerializer(page, many=True, context=topic_context(page))
        return self.get_paginated_response(serializer.data)


class TopicDetail(BodyLimitMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.TopicSerializer)
    def get(self, request, pk, topic):
        found = visible_topic(request, pk, topic)
        return Response(s.TopicSerializer(found, context=topic_context([found])).data)

    @extend_schema(request=s.TopicUpdateSerializer, responses=s.TopicSerializer)
    def patch(self, request, pk, topic):
        found = visible_topic(request, pk, topic)
        _require(request.user, "analysis.change_topic", found)
        form = s.TopicUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            if "label" in form.validated_data:
                found = topic_rename(
                    topic=found, user=request.user, label=form.validated_data["label"]
                )
            if "noise" in form.validated_data:
                found = topic_set_noise(
                    topic=found, user=request.user, noise=form.validated_data["noise"]
                )
        except DjangoValidationError as error:
            raise _validation(error) from None
        return Response(s.TopicSerializer(found, context=topic_context([found])).data)


class TopicMerge(BodyLimitMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.TopicMergeSerializer, responses=s.TopicSerializer)
    def post(self, request, pk, topic):
        found = visible_topic(request, pk, topic)
        _require(request.user, "analysis.change_topic", found)
        form = s.TopicMergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        # Any topic the caller may see: one of another run is a 400 (the contract), one
        # they may not see is "unknown" (nothing about it leaks).
        into = (
            Topic.objects.visible_to(request.user)
            .select_related("run")
            .filter(pk=form.validated_data["into"])
            .first()
        )
        if into is None:
            raise ApiValidationError({"into": ["Thème inconnu."]})
        try:
            merged = topic_merge(topic=found, into=into, user=request.user)
        except DjangoValidationError as error:
            raise _validation(error) from None
        return Response(s.TopicSerializer(merged, context=topic_context([merged])).data)


class QuoteDetail(BodyLimitMixin, APIView):
    """Pin a quote (kept first by later runs) or remove it (never shown again)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.QuoteUpdateSerializer, responses=s.QuoteSerializer)
    def patch(self, request, pk, quote):
        run = visible_run(request, pk)
        found = get_object_or_404(
            Quote.objects.select_related("topic__run").filter(topic__run=run),
            pk=pk_or_404(quote),
        )
        _require(request.user, "analysis.change_quote", found)
        form = s.QuoteUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            found = quote_update(quote=found, user=request.user, **form.validated_data)
        except DjangoValidationError as error:
            raise _validation(error) from None
        return Response(s.QuoteSerializer(found).data)


class CampaignList(generics.ListAPIView):
    permission_classes = [IsAuthenticated]

    serializer_class = s.CampaignSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        run = visible_run(self.request, self.kwargs["pk"])
        return run.campaigns.order_by("-size", "pk")

    @extend_schema(responses={200: s.CampaignSerializer(many=True), 404: PAGE_NOT_FOUND})
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        members: dict[int, list[int]] = defaultdict(list)
        rows = (
            TopicMembership.objects.filter(campaign__in=[c.pk for c in page])
            .order_by("contribution_id")
            .values_list("campaign_id", "contribution_id")
        )
        for campaign_id, contribution_id in rows:
            members[campaign_id].append(contribution_id)
        serializer = s.CampaignSerializer(page, many=True, context={"members": members})
        return self.get_paginated_response(serializer.data)
