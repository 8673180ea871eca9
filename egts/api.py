"""Reference endpoints (public, read-only) and the token endpoint."""

from allauth.account.models import EmailAddress
from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from . import serializers as s
from .auth import current_token, rotate_token, token_expires_at
from .models import Department, Policy, Region, Stage, Territory, Theme
from .ratelimit import ClientThrottle


class TokenThrottle(ClientThrottle):
    """Per client address. Not lifted by ``EGTS_RATE_LIMITS=off``: it guards passwords."""

    scope = "token"

    def allow_request(self, request, view):
        return SimpleRateThrottle.allow_request(self, request, view)


def _lockout_response(request) -> Response:
    """429 in the API's JSON shape for a client that django-axes has locked out.

    Axes flags the Django request and its middleware would then replace our answer
    with the HTML lockout page; an API client needs JSON and a Retry-After, so the
    view answers itself and lowers the flag once the answer is built.
    """
    request.axes_locked_out = False
    cool_off = get_cool_off(request)
    response = Response(
        {
            "detail": _(
                "Trop de tentatives de connexion infructueuses : la connexion à ce compte "
                "est bloquée temporairement. Réessayez plus tard ou choisissez un nouveau "
                "mot de passe."
            )
        },
        status=status.HTTP_429_TOO_MANY_REQUESTS,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


class TokenView(APIView):
    """Exchange an e-mail and a password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        request=s.TokenRequestSerializer,
        responses={200: s.TokenSerializer},
    )
    def post(self, request):
        form = s.TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        email = form.validated_data["email"].strip().lower()
        # The Django request, not DRF's: django-axes records the failure on it and
        # counts it against this e-mail and the client's address.
        django_request = request._request
        user = authenticate(django_request, email=email, password=form.validated_data["password"])
        if getattr(django_request, "axes_locked_out", False):
            return _lockout_response(django_request)
        if user is None or not user.is_active:
            # One message whatever was wrong: the e-mail's existence is not revealed.
            raise serializers.ValidationError({"non_field_errors": [_("Identifiants incorrects.")]})
        # Same rule as the site's login: an address must be confirmed before use.
        if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "Confirmez d'abord votre adresse électronique avec le lien "
                            "reçu par courriel."
                        )
                    ]
                }
            )
        # Obtaining a token is a login: the signal records last_login and lets
        # django-axes clear this e-mail's failures, as a site login does.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        return _token_response(current_token(user))


def _token_response(token: Token) -> Response:
    return Response(
        s.TokenSerializer({"token": token.key, "expires_at": token_expires_at(token)}).data,
        status=status.HTTP_200_OK,
    )


class TokenRotateView(APIView):
    """Replace the caller's API token by a new one; the old one stops working at once."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_token_rotate", request=None, responses={200: s.TokenSerializer}
    )
    def post(self, request):
        return _token_response(rotate_token(request.user))


def _territories():
    return Territory.objects.select_related("theme", "policy").prefetch_related(
        Prefetch("regions", queryset=Region.objects.order_by("code"))
    )


class TerritoryList(generics.ListAPIView):
    """The nine territories of the assises, with their regions (not paginated)."""

    serializer_class = s.TerritorySerializer
    pagination_class = None
    queryset = _territories()


class TerritoryDetail(generics.RetrieveAPIView):
    """One territory, with its regions and departments."""

    serializer_class = s.TerritoryDetailSerializer
    lookup_field = "slug"
    queryset = _territories().prefetch_related(
        Prefetch("regions__departments", queryset=Department.objects.order_by("code"))
    )


class ThemeList(generics.ListAPIView):
    """The six transverse themes (T1–T6)."""

    serializer_class = s.ThemeSerializer
    pagination_class = None
    queryset = Theme.objects.all()


class PolicyList(generics.ListAPIView):
    """The five social policies (P1–P5)."""

    serializer_class = s.PolicySerializer
    pagination_class = None
    queryset = Policy.objects.all()


class ActorCategoryList(APIView):
    """The eight actor categories: how an author is shown in public."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="actor_categories_list", responses={200: s.CodeLabelSerializer(many=True)}
    )
    def get(self, request):
        return Response(s.actor_categories())


class DepartmentList(generics.ListAPIView):
    """The 101 departments of 2013, or those of one region (`?region=`)."""

    serializer_class = s.DepartmentSerializer
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "region",
                str,
                description="Code INSEE 2013 de la région (par exemple « 93 ») ; "
                "un code inconnu est refusé (400).",
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = Department.objects.select_related("region__territory").order_by("code")
        region = self.request.query_params.get("region", "").strip()
        if region:
            # A mistyped code answers 400 rather than an empty list, which a
            # spreadsheet user would take for "no department".
            if not Region.objects.filter(code=region).exists():
                raise serializers.ValidationError(
                    {"region": [_("Région inconnue : « %(code)s ».") % {"code": region[:10]}]}
                )
            queryset = queryset.filter(region_id=region)
        return queryset


class StageList(generics.ListAPIView):
    """The démarche's calendar, in order; `current` marks the stage under way today."""

    serializer_class = s.StageSerializer
    pagination_class = None
    queryset = Stage.objects.all()

    def list(self, request, *args, **kwargs):
        stages = self.get_queryset()
        # current() walks the queryset, which caches its rows: the serializer reuses
        # them, so the whole list costs one query.
        context = self.get_serializer_context() | {"current_stage": stages.current()}
        return Response(self.get_serializer(stages, many=True, context=context).data)
