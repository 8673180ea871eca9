"""Helpers for authentication shared by the site and the API."""

import datetime
import math

from allauth.account.adapter import DefaultAccountAdapter
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from egts.network import client_ip


def axes_username(request, credentials: dict | None) -> str:
    """The e-mail django-axes counts failures against, from allauth or the API token form."""
    credentials = credentials or {}
    for key in ("email", "login", "username"):
        value = credentials.get(key)
        if value:
            return str(value).strip().lower()
    if request is not None and hasattr(request, "POST"):
        for key in ("login", "email"):
            value = request.POST.get(key)
            if value:
                return str(value).strip().lower()
    return ""


def allauth_login_failed_minutes() -> int:
    """How long allauth's own login limits (per address, per e-mail) hold at most, read
    from its configured rates so that the message always says what they do."""
    from allauth.core.internal.ratelimit import get_rates

    rates = get_rates(app="allauth.account", action="login_failed")
    return max(1, math.ceil(max((rate.duration for rate in rates), default=60) / 60))


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, with the platform's client address and django-axes first."""

    def get_client_ip(self, request) -> str:
        # allauth's own reading of X-Forwarded-For answers 500 when the header is shorter
        # than the proxy count; this one falls back to the peer's address.
        ip = client_ip(request)
        if not ip:
            return super().get_client_ip(request)
        return ip

    @property
    def error_messages(self) -> dict:
        return {
            **DefaultAccountAdapter.error_messages,
            "too_many_login_attempts": gettext(
                "Trop de tentatives de connexion infructueuses : par sécurité, la connexion "
                "à ce compte est suspendue pendant %(minutes)s minutes au plus. Réessayez "
                "plus tard ou choisissez un nouveau mot de passe."
            )
            % {"minutes": allauth_login_failed_minutes()},
        }

    def pre_authenticate(self, request, **credentials) -> None:
        """An e-mail that django-axes has locked out from this address goes straight to
        axes, which answers with its lockout page and its real duration: allauth's shorter
        limit would otherwise answer in its place with another duration."""
        if not AxesProxyHandler.is_allowed(request, credentials):
            self._login_failed_rl_usage = None
            return
        super().pre_authenticate(request, **credentials)


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


def token_expires_at(token: Token) -> datetime.datetime:
    return token.created + token_lifetime()


def token_is_expired(token: Token) -> bool:
    return token_expires_at(token) <= timezone.now()


def current_token(user) -> Token:
    """The user's token, a new one if it has none or if it has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not token_is_expired(token):
        return token
    return rotate_token(user)


@transaction.atomic
def rotate_token(user) -> Token:
    """A new token for ``user``; the one it had stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def revoke_tokens(user) -> None:
    Token.objects.filter(user=user).delete()


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (one query for the token and its user), with unknown
    keys refused before the query and tokens older than ``API_TOKEN_LIFETIME_DAYS``
    refused with a 401 that says how to get a new one."""

    def authenticate_credentials(self, key):
        # No key is that long; PostgreSQL refuses a NUL in a string: both are unknown keys.
        if not isinstance(key, str) or len(key) > Token._meta.pk.max_length or "\x00" in key:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(
                _(
                    "Jeton expiré : demandez-en un nouveau avec POST /api/v1/auth/token/ "
                    "(adresse électronique et mot de passe)."
                )
            )
        return user, token
