"""Rate limits, for the API and the HTML forms alike: Django REST framework's throttles.

DRF's ``SimpleRateThrottle`` (a sliding window of request times in the cache) is the one
counter. Views that count every request list these classes in ``throttle_classes``
(votes, the similar look-up, the token); submissions are counted once their input is
valid, the API through ``check_api`` and the HTML forms through ``hit``, on the same
classes, so that a page is no way around its API. The rates are
DRF's setting, ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (egts/settings.py), read when a
request is counted, so an override in settings applies at once. ``EGTS_RATE_LIMITS=off``
lifts every limit of this module (load tests, demonstrations); login protection
(django-axes) is separate and stays on.

Submissions are counted per client address and, when signed in, per account too
(``hit``): an office address holds several people, and one account must not go round
its limit by moving. The cache is shared between web processes in production (Redis), so
a limit holds across the platform. DRF reads then writes the window, so two requests of
the same client at the same instant may both pass: a limit is a brake on floods, not a
quota (which is why a home-made atomic counter was not kept).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from egts.network import client_ip


class RateLimited(Exception):
    """Raised when a counter is past its limit; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"Rate limit reached, retry after {retry_after} s")
        self.retry_after = retry_after


class ClientThrottle(SimpleRateThrottle):
    """Per client address, signed in or not (set ``scope``): the client behind the
    proxies, as for the login lockout (egts/network.py), not the proxy's."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request):
        return client_ip(request) or super().get_ident(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        if not getattr(settings, "EGTS_RATE_LIMITS", True):
            return True
        return super().allow_request(request, view)


class AccountThrottle(ClientThrottle):
    """Per account; nothing for a visitor who is not signed in."""

    cache_format = "throttle_%(scope)s_account_%(ident)s"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


def throttles(scope: str) -> list[type[ClientThrottle]]:
    """The throttle classes of a submission scope: per address, then per account."""
    return [
        type(f"{base.__name__}_{scope}", (base,), {"scope": scope})
        for base in (ClientThrottle, AccountThrottle)
    ]


SUBMISSIONS = {
    scope: throttles(scope)
    for scope in ("contribution_submit", "questionnaire_response", "practice_submit")
}


def hit(*, scope: str, request) -> None:
    """Count one submission; raise RateLimited if the address or the account is past its
    limit."""
    waits = []
    for throttle_class in SUBMISSIONS[scope]:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 1)
    if waits:
        raise RateLimited(max(1, int(max(waits))))


def check_api(*, scope: str, request) -> None:
    """``hit`` for DRF views: a 429 with Retry-After through DRF's Throttled."""
    from django.utils.translation import gettext as _
    from rest_framework.exceptions import Throttled

    try:
        hit(scope=scope, request=request)
    except RateLimited as exc:
        raise Throttled(
            wait=exc.retry_after,
            detail=_("Trop d'envois en peu de temps : réessayez dans %(minutes)s minute(s).")
            % {"minutes": max(1, exc.retry_after // 60)},
        ) from exc


def message_for(exc: RateLimited) -> str:
    """The sentence shown above a re-rendered HTML form."""
    from django.utils.translation import gettext as _

    return _(
        "Vous avez fait beaucoup d'envois en peu de temps. Votre saisie est conservée : "
        "réessayez dans %(minutes)s minute(s)."
    ) % {"minutes": max(1, exc.retry_after // 60)}
