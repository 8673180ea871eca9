"""API v1, read only: the documentation centre, under the same visibility as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics

from egts.api_guards import PAGE_NOT_FOUND
from egts.api_permissions import RulesPermission

from . import serializers as s
from .filters import DocumentFilter
from .models import Document


class DocumentList(generics.ListAPIView):
    permission_classes = [RulesPermission]
    view_rules = {"get": None}  # what each caller may read is the queryset's visible_to
    serializer_class = s.DocumentSerializer
    filterset_class = DocumentFilter

    def get_queryset(self):
        return Document.objects.visible_to(self.request.user).with_references()

    @extend_schema(
        responses={200: s.DocumentSerializer(many=True), 404: PAGE_NOT_FOUND},
        summary="Documents du centre de documentation",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DocumentDetail(generics.RetrieveAPIView):
    permission_classes = [RulesPermission]
    object_rules = {"get": "documents.view_document"}
    serializer_class = s.DocumentSerializer
    queryset = Document.objects.none()

    def get_object(self):
        pk = str(self.kwargs["pk"])
        if not pk.isascii() or not pk.isdigit() or len(pk) > 18:
            raise exceptions.NotFound
        document = (
            Document.objects.visible_to(self.request.user)
            .with_references()
            .filter(pk=int(pk))
            .first()
        )
        if document is None:
            raise exceptions.NotFound
        self.check_object_permissions(self.request, document)
        return document
