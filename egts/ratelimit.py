"""Submission rate limits: a fixed-window counter in the cache, per account and per IP.

The cache is shared between web processes in production (Redis), so a limit holds
across the whole platform. ``EGTS_RATE_LIMITS=off`` lifts every limit of this module
(load tests, demonstrations); login protection (django-axes) is separate and stays on.

Rates can be tuned with ``EGTS_RATE_LIMIT_RULES = {"scope": (limit, seconds)}``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from egts.network import client_ip


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds


DEFAULT_RATES: dict[str, Rate] = {
    # A participant rarely writes more than a few contributions in an hour.
    "contribution_submit": Rate(10, 3600),
    # Anonymous questionnaire answers: a shared office IP may hold several people.
    "questionnaire_response": Rate(20, 3600),
    # A practice is a long text: a participant proposes a few, never a dozen in an hour.
    "practice_submit": Rate(10, 3600),
}


class RateLimited(Exception):
    """Raised when a counter is past its limit; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"Rate limit reached, retry after {retry_after} s")
        self.retry_after = retry_after


def rate_for(scope: str) -> Rate:
    overrides = getattr(settings, "EGTS_RATE_LIMIT_RULES", {}) or {}
    if scope in overrides:
        limit, window = overrides[scope]
        return Rate(int(limit), int(window))
    return DEFAULT_RATES[scope]


def _keys(scope: str, request, window_index: int) -> list[str]:
    keys = [f"egts-rl:{scope}:ip:{client_ip(request) or 'unknown'}:{window_index}"]
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        keys.append(f"egts-rl:{scope}:user:{user.pk}:{window_index}")
    return keys


def hit(*, scope: str, request) -> None:
    """Count one submission; raise RateLimited if the account or the IP is past its limit.

    A refused attempt is counted too, so hammering does not reopen the window early.
    """
    if not getattr(settings, "EGTS_RATE_LIMITS", True):
        return
    rate = rate_for(scope)
    now = time.time()
    window_index = int(now // rate.window)
    retry_after = max(1, int((window_index + 1) * rate.window - now))
    exceeded = False
    for key in _keys(scope, request, window_index):
        cache.add(key, 0, timeout=rate.window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=rate.window + 1)
            count = 1
        if count > rate.limit:
            exceeded = True
    if exceeded:
        raise RateLimited(retry_after)


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
