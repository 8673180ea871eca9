"""API v1, read only: the documentation centre, under the same visibility as the pages."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.permissions import AllowAny

from . import serializers as s
from .models import Document, DocumentKind

PAGE_NOT_FOUND = OpenApiResponse(response=OpenApiTypes.OBJECT, description="Page inexistante.")


class DocumentList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.DocumentSerializer
    queryset = Document.objects.none()

    def get_queryset(self):
        params = self.request.query_params
        data = {k: params.get(k) or "" for k in params}
        data = {k: v for k, v in data.items() if v}
        serializer = s.DocumentFilterSerializer(data=data)
        if not serializer.is_valid():
            raise exceptions.ValidationError(serializer.errors)
        filters = dict(serializer.validated_data)
        q = filters.pop("q", "")
        territory = filters.pop("territory", None)
        if territory == "national":
            filters["national"] = True
        elif territory is not None:
            filters["territory"] = territory
        return (
            Document.objects.visible_to(self.request.user)
            .filtered(**filters)
            .search(q)
            .with_references()
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, description=", ".join(DocumentKind.values)),
            OpenApiParameter("territory", str, description="Slug du territoire, ou « national »"),
            OpenApiParameter("theme", str, description="Code du thème (T1–T6)"),
            OpenApiParameter("policy", str, description="Code de la politique (P1–P5)"),
            OpenApiParameter("q", str, description="Recherche plein texte en français"),
        ],
        responses={200: s.DocumentSerializer(many=True), 404: PAGE_NOT_FOUND},
        summary="Documents du centre de documentation",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DocumentDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
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
        return document
