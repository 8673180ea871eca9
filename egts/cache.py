"""Whole-page cache for anonymous visitors of public pages that are the same for everyone.

A cached page is served before the session or the user is ever loaded, so it costs
no SQL query. Any change to published content calls ``bump_public_pages()``: the
version number is part of every key, so all cached pages go stale at once (one
cache write, no key scanning), and the timeout bounds staleness for everything else.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

_VERSION_KEY = "egts:public-pages:version"
_HEADERS_KEPT = ("Content-Type", "Content-Language", "X-Frame-Options", "Referrer-Policy")


def _version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, timeout=None)
        version = cache.get(_VERSION_KEY, 1)
    return version


def bump_public_pages() -> None:
    """Makes every cached public page stale (call after publishing or editing public content)."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, timeout=None)


def _is_anonymous_and_plain(request) -> bool:
    """No session and no pending message: the visitor sees exactly what anyone sees."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request) -> str:
    raw = f"{request.get_full_path()}|{get_language()}|{_version()}"
    return "egts:public-page:" + hashlib.sha256(raw.encode()).hexdigest()


def public_page(timeout: int | None = None):
    """Caches the view's 200 answers for anonymous visitors (``PUBLIC_PAGE_CACHE_SECONDS``)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            seconds = settings.PUBLIC_PAGE_CACHE_SECONDS if timeout is None else timeout
            if seconds <= 0 or not _is_anonymous_and_plain(request):
                return view(request, *args, **kwargs)
            key = _key(request)
            cached = cache.get(key)
            if cached is not None:
                content, headers, *nonce = cached
                if nonce and nonce[0]:
                    # The cached HTML carries the nonce of the response that was cached: the
                    # CSP header (csp.middleware) must name that one, not a fresh one.
                    request._csp_nonce = nonce[0]
                response = HttpResponse(content)
                for name, value in headers.items():
                    response[name] = value
                response["X-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            # A page that set a cookie (CSRF token, session) is personal: never share it.
            if response.status_code == 200 and not response.cookies and not response.streaming:
                headers = {h: response[h] for h in _HEADERS_KEPT if h in response}
                nonce = getattr(request, "_csp_nonce", None)
                cache.set(key, (response.content, headers, nonce), seconds)
                response["X-Cache"] = "miss"
            return response

        return wrapper

    return decorator
