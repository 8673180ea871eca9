"""API v1: significant practices, their attachments, their sheet and their moderation."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from egts import ratelimit
from egts.api_guards import PAGE_NOT_FOUND, BodyLimitMixin, pk_or_404
from egts.api_permissions import RulesPermission, check_rule
from egts.input import FormParser, MultiPartParser

from . import serializers as s
from . import services
from .filters import PracticeFilter
from .models import Practice
from .views import sheet_response

# A file a little over 10 MB still gets the precise 400 "dépasse 10 Mo"; a far larger body is
# refused (413) before it is read.
MAX_UPLOAD_BODY = 16 * 1024 * 1024


class PracticeListCreate(BodyLimitMixin, generics.ListCreateAPIView):
    serializer_class = s.PracticeSerializer
    filterset_class = PracticeFilter
    permission_classes = [RulesPermission]
    view_rules = {"get": None, "post": "practices.add_practice"}

    def get_serializer_class(self):
        if self.request.method == "POST":
            return s.PracticeCreateSerializer
        return s.PracticeSerializer

    def get_queryset(self):
        return Practice.objects.published().with_references()

    @extend_schema(
        responses={200: s.PracticeSerializer(many=True), 404: PAGE_NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.PracticeCreateSerializer, responses={201: s.PracticeCreatedSerializer})
    def post(self, request, *args, **kwargs):
        form = s.PracticeCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ratelimit.check_api(scope="practice_submit", request=request)
        data = dict(form.validated_data)
        data.setdefault("policies", [])
        practice = services.practice_create(author=request.user, data=data)
        return Response(
            {"id": practice.pk, "status": practice.status}, status=status.HTTP_201_CREATED
        )


def _visible_practice(request, pk: str) -> Practice:
    pk = pk_or_404(pk)
    return get_object_or_404(
        Practice.objects.visible_to(request.user).with_references().prefetch_related("attachments"),
        pk=pk,
    )


class PracticeDetail(APIView):
    permission_classes = [RulesPermission]
    object_rules = {"get": "practices.view_practice"}

    @extend_schema(responses={200: s.PracticeDetailSerializer})
    def get(self, request, pk: str):
        practice = _visible_practice(request, pk)
        self.check_object_permissions(request, practice)
        context = {
            "request": request,
            "can_see_status": request.user.has_perm("practices.view_status_practice", practice),
        }
        return Response(s.PracticeDetailSerializer(practice, context=context).data)


class PracticeAttachmentCreate(BodyLimitMixin, APIView):
    """The author adds one file while the practice is not published."""

    permission_classes = [IsAuthenticated, RulesPermission]
    object_rules = {"post": "practices.change_practice"}
    rule_messages = {
        "practices.change_practice": _(
            "Seul l'auteur peut ajouter des pièces jointes, tant que la pratique n'est pas publiée."
        )
    }
    parser_classes = [MultiPartParser, FormParser]
    max_body = MAX_UPLOAD_BODY
    too_large_message = _("Le fichier dépasse 10 Mo : il n'a pas été reçu.")

    @extend_schema(
        request={"multipart/form-data": s.PracticeAttachmentUploadSerializer},
        responses={201: s.PracticeAttachmentSerializer},
    )
    def post(self, request, pk: str):
        practice = get_object_or_404(
            Practice.objects.visible_to(request.user).prefetch_related("attachments"),
            pk=pk_or_404(pk),
        )
        self.check_object_permissions(request, practice)
        uploaded = request.FILES.get("file")
        if uploaded is None:
            raise exceptions.ValidationError({"file": [_("Joignez un fichier (champ « file »).")]})
        try:
            attachment = services.practice_attach(
                practice=practice, author=request.user, uploaded=uploaded
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(
            s.PracticeAttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class PracticeSheet(APIView):
    permission_classes = [RulesPermission]
    view_rules = {"get": None}  # published practices only, by the queryset

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: str):
        practice = get_object_or_404(
            Practice.objects.published().with_references().prefetch_related("attachments"),
            pk=pk_or_404(pk),
        )
        return sheet_response(request, practice)


class PracticeModeration(BodyLimitMixin, APIView):
    """One decision on one practice, by its territory's COPIL or the national team."""

    permission_classes = [IsAuthenticated, RulesPermission]
    object_rules = {"post": "practices.moderate_practice"}
    rule_messages = {
        "practices.moderate_practice": _(
            "Vous ne pouvez pas modérer les pratiques de ce territoire."
        )
    }

    @extend_schema(
        request=s.PracticeModerationSerializer,
        responses={200: s.PracticeModerationResultSerializer},
    )
    def post(self, request, pk: str):
        # Moderators must learn that a pending item exists; anyone else gets 403 and nothing
        # changes. Drafts are nobody's business but their author's: 404.
        practice = get_object_or_404(Practice.objects.submitted(), pk=pk_or_404(pk))
        self.check_object_permissions(request, practice)
        user = request.user
        form = s.PracticeModerationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        featured = data.get("featured")
        if featured is not None:
            check_rule(
                request,
                "practices.feature_practice",
                practice,
                message=_("Seule l'équipe nationale peut mettre une pratique en avant."),
            )
        with transaction.atomic():
            if featured is not None and featured != practice.featured:
                services.practice_feature(practice=practice, user=user, featured=featured)
            services.practice_moderate(
                practice=practice,
                moderator=user,
                decision=data["decision"],
                reason=data.get("reason", ""),
                message=data.get("message", ""),
                published_fields=data.get("published_fields") or None,
                tags=data.get("tags"),
            )
        return Response({"id": practice.pk, "status": practice.status})
