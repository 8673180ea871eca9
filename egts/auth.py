"""Helpers for authentication shared by the site and the API."""

import datetime
import functools
import math

from allauth.account.adapter import DefaultAccountAdapter
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from egts.db import server_bound_cursor
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


@functools.cache
def _token_query() -> tuple[str, list[str], list[str]]:
    """The SELECT of a token and its user, written once from the two models."""
    user_model = get_user_model()
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    token_fields = Token._meta.concrete_fields
    user_fields = user_model._meta.concrete_fields
    token_key, token_user = Token._meta.pk.column, Token._meta.get_field("user").column
    columns = [f"t.{quote(f.column)}" for f in token_fields]
    columns += [f"u.{quote(f.column)}" for f in user_fields]
    # Table and column names come from the models; the key is a parameter.
    sql = " ".join(
        (
            f"SELECT {', '.join(columns)} FROM {quote(Token._meta.db_table)} t",  # noqa: S608
            f"JOIN {quote(user_model._meta.db_table)} u",
            f"ON u.{quote(user_model._meta.pk.column)} = t.{quote(token_user)}",
            f"WHERE t.{quote(token_key)} = %s",
        )
    )
    return sql, [f.attname for f in token_fields], [f.attname for f in user_fields]


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, with the token and its user read by one plain query.

    DRF builds that query through the ORM on every request (select_related, then
    compiling it): under load it was a third of the time of a signed-in submission. This
    sends the same SELECT, written once per process, and builds both objects with
    from_db(). The answers are DRF's: 401 for an unknown token or an inactive account,
    and 401 for a token older than ``API_TOKEN_LIFETIME_DAYS``.
    """

    def authenticate_credentials(self, key):
        # No key is that long; PostgreSQL refuses a NUL in a string: both are unknown keys.
        if not isinstance(key, str) or len(key) > Token._meta.pk.max_length or "\x00" in key:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        sql, token_names, user_names = _token_query()
        db = connections[DEFAULT_DB_ALIAS]
        with server_bound_cursor() if db.vendor == "postgresql" else db.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        split = len(token_names)
        token = Token.from_db(DEFAULT_DB_ALIAS, token_names, row[:split])
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, user_names, row[split:])
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(
                _(
                    "Jeton expiré : demandez-en un nouveau avec POST /api/v1/auth/token/ "
                    "(adresse électronique et mot de passe)."
                )
            )
        return user, token
