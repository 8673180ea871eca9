"""Whole-page cache for anonymous visitors of public pages that are the same for everyone.

A cached page is served before the session or the user is ever loaded, so it costs
no SQL query and one Redis round trip. Any change to published content calls
``bump_public_pages()``: every cached entry carries the version it was rendered under, and
the version and the entry are read together, so all cached pages go stale at once (one
cache write, no key scanning), and the timeout bounds staleness for everything else.

The page of one object (``public_page(per_object=...)``) does not follow that global
version: its entry carries a token of its own, which ``expire_object_pages()`` drops when
the object changes, and a token per kind of object, which ``renew_object_pages()``
replaces after a deploy. Such a page can stay cached for long and be rendered ahead of its first
visitor (``render_anonymously()``).

Each process also keeps the entries it has just served in memory for
``PUBLIC_PAGE_LOCAL_SECONDS`` (1 s): a page read by hundreds of visitors a second costs
no round trip at all. A change made through this process drops that memory at once;
another process's change is seen within that second.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import threading
import time
import zlib
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

_VERSION_KEY = "egts:public-pages:version"
_HEADERS_KEPT = ("Content-Type", "Content-Language", "X-Frame-Options", "Referrer-Policy")
# Entries this process served lately: key -> (monotonic deadline, entry). Bounded: the most
# read pages are few (home, lists, their searches); a full table is simply emptied.
_LOCAL: dict[str, tuple[float, tuple]] = {}
_LOCAL_MAX = 512
_LOCAL_LOCK = threading.Lock()
# How many times this process's memory was emptied: an entry read or rendered before a
# change made through this process (by another thread) must not be remembered after it.
_local_generation = 0
_now = time.monotonic


def forget_local_pages() -> None:
    """Empties this process's memory of served pages (a change was made through it)."""
    global _local_generation
    with _LOCAL_LOCK:
        _local_generation += 1
        _LOCAL.clear()


def _local_entry(key: str) -> tuple | None:
    found = _LOCAL.get(key)
    if found is not None and found[0] > _now():
        return found[1]
    return None


def _remember(key: str, entry: tuple, generation: int) -> None:
    """Keeps the entry unless the memory was emptied since ``generation`` was read."""
    seconds = settings.PUBLIC_PAGE_LOCAL_SECONDS
    if seconds <= 0:
        return
    with _LOCAL_LOCK:
        if generation != _local_generation:
            return
        if len(_LOCAL) >= _LOCAL_MAX:
            _LOCAL.clear()
        _LOCAL[key] = (_now() + seconds, entry)


def _current_version(found: dict) -> int:
    """The global version from a get_many() answer; one is set if Redis has none yet."""
    version = found.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, timeout=None)
        version = cache.get(_VERSION_KEY, 1)
    return version


def bump_public_pages() -> None:
    """Makes every cached public page stale (call after publishing or editing public content)."""
    forget_local_pages()
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, timeout=None)


def _token_key(kind: str, pk=None) -> str:
    return f"egts:public-page:{kind}:" + ("generation" if pk is None else f"{pk}:token")


def _object_version(kind: str, pk, found: dict) -> str:
    """The kind's generation and the object's token, from a get_many() answer; a missing one
    is drawn at random, so a token lost (expired, evicted) can never bring back a page
    cached under an older one."""
    tokens = []
    for key in (_token_key(kind), _token_key(kind, pk)):
        if key not in found:
            drawn = secrets.token_hex(8)
            cache.add(key, drawn, timeout=None)
            found[key] = cache.get(key, drawn)
        tokens.append(found[key])
    return ".".join(tokens)


def expire_object_pages(kind: str, pks: Iterable) -> None:
    """Makes the cached pages of these objects stale (call after the commit that changed them)."""
    forget_local_pages()
    cache.delete_many([_token_key(kind, pk) for pk in pks])


def renew_object_pages(kind: str) -> None:
    """Makes every cached page of this kind stale: those of an earlier release, for instance."""
    forget_local_pages()
    cache.set(_token_key(kind), secrets.token_hex(8), timeout=None)


def render_anonymously(paths: Iterable[str]) -> int:
    """Requests each page as a first anonymous visitor would, through every middleware, so
    the cache holds the very bytes a visitor gets; returns how many answered 200."""
    from django.test import Client

    site = urlsplit(settings.SITE_URL)
    client = Client(HTTP_HOST=site.netloc, raise_request_exception=False)
    rendered = 0
    for path in paths:
        response = client.get(path, secure=site.scheme == "https")
        client.cookies.clear()
        if response.status_code == 200:
            rendered += 1
        else:
            logger.warning("Page %s not cached: status %s", path, response.status_code)
    return rendered


def _is_anonymous_and_plain(request) -> bool:
    """No session and no pending message: the visitor sees exactly what anyone sees."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request) -> str:
    raw = f"{request.get_full_path()}|{get_language()}"
    return "egts:public-page:entry:" + hashlib.sha256(raw.encode()).hexdigest()


def _version_and_entry(key: str, per_object: str, pk) -> tuple[object, tuple | None]:
    """The version the page must carry and the cached entry, in one Redis round trip: the
    entry's key does not hold the version, the entry does (a page of another version is
    stale)."""
    version_keys = (
        [_token_key(per_object), _token_key(per_object, pk)] if per_object else [_VERSION_KEY]
    )
    found = cache.get_many([*version_keys, key])
    entry = found.pop(key, None)
    version = _object_version(per_object, pk, found) if per_object else _current_version(found)
    return version, entry


def public_page(
    timeout: int | None = None,
    *,
    per_object: str = "",
    timeout_setting: str = "PUBLIC_PAGE_CACHE_SECONDS",
):
    """Caches the view's 200 answers for anonymous visitors (``timeout`` or the setting named).

    With ``per_object="practice"``, the page is the one of the object whose ``pk`` the URL
    names: it goes stale with ``expire_object_pages("practice", [pk])``, not with
    ``bump_public_pages()``.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            seconds = getattr(settings, timeout_setting) if timeout is None else timeout
            if seconds <= 0 or not _is_anonymous_and_plain(request):
                return view(request, *args, **kwargs)
            # The version is read before the view reads the database: a page rendered from
            # data that a commit then changes is stored with a version already dropped.
            key = _key(request)
            generation = _local_generation
            cached = _local_entry(key)
            if cached is None:
                version, cached = _version_and_entry(key, per_object, kwargs.get("pk"))
                if cached is not None and cached[0] != version:
                    cached = None
                if cached is not None:
                    _remember(key, cached, generation)
            if cached is not None:
                _version, content, headers, *nonce = cached
                if nonce and nonce[0]:
                    # The cached HTML carries the nonce of the response that was cached: the
                    # CSP header (csp.middleware) must name that one, not a fresh one.
                    request._csp_nonce = nonce[0]
                response = HttpResponse(zlib.decompress(content))
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
                # Compressed: a DSFR page of 17 kB takes 4 kB, for thousands of practices.
                entry = (version, zlib.compress(response.content), headers, nonce)
                cache.set(key, entry, seconds)
                _remember(key, entry, generation)
                response["X-Cache"] = "miss"
            return response

        return wrapper

    return decorator
