"""Whole-page cache for anonymous visitors of public pages that are the same for everyone.

A cached page is served before the session or the user is ever loaded, so it costs
no SQL query and one Redis round trip. Every entry carries the tokens of its *tags* as they
were when it was rendered, and the tokens and the entry are read together: a page whose
tag token changed is stale. Every page has the tag ``site`` (``bump_public_pages()`` drops
it: everything goes stale at once, for a change of the site itself such as a territory's
text); a list page adds the tag of its filters (``list_tag``), so that publishing an item
drops only the tags of the lists it can appear in (``expire_public_tags(item_tags(...))``):
its territory, its themes and policies, its kind and category, any search, the first
pages. Nine COPILs publishing all day then leave the other lists, the home page and the
static pages cached. Deeper pages and everything else are bounded by the timeout.

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

SITE_TAG = "site"
# A publication changes the first pages of a list (the item appears on top, the rest shift
# by one); deeper pages follow within the timeout.
FIRST_PAGES = 3
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


def _tag_key(tag: str) -> str:
    return f"egts:public-tag:{tag}"


def _tags_version(tags: list[str], found: dict) -> str:
    """The tokens of these tags from a get_many() answer; a missing one is drawn at random,
    so a token lost (expired, evicted, dropped) can never bring back an older page."""
    tokens = []
    for key in (_tag_key(tag) for tag in tags):
        if key not in found:
            drawn = secrets.token_hex(8)
            cache.add(key, drawn, timeout=None)
            found[key] = cache.get(key, drawn)
        tokens.append(found[key])
    return ".".join(tokens)


def expire_public_tags(tags: Iterable[str]) -> None:
    """Makes stale every cached page that carries one of these tags (after the commit)."""
    forget_local_pages()
    cache.delete_many([_tag_key(tag) for tag in set(tags)])


def bump_public_pages() -> None:
    """Makes every cached public page stale (a change of the site itself, not a publication:
    publications expire the tags of their items)."""
    expire_public_tags([SITE_TAG])


def list_tag(kind: str, values: dict, dimensions: Iterable[str]) -> str:
    """The tag of a list narrowed by ``values`` ("*" where a dimension is not narrowed)."""
    return f"{kind}:" + "|".join(str(values.get(d) or "*") for d in dimensions)


def item_list_tags(kind: str, dimensions: dict[str, Iterable]) -> set[str]:
    """Every list tag an item appears under: for each dimension, unfiltered ("*") or one of
    the item's own values; plus its kind's searches and its other lists (``kind:other``)."""
    import itertools

    names = list(dimensions)
    choices = [[None, *dict.fromkeys(v for v in dimensions[n] if v)] for n in names]
    tags = {
        list_tag(kind, dict(zip(names, combination, strict=True)), names)
        for combination in itertools.product(*choices)
    }
    return tags | {f"{kind}:other"}


def list_page_tags(kind: str, dimensions: dict, *, others: Iterable[str] = ("q",)):
    """``tags=`` for a list view: its filters' tag on its first pages; ``kind:other`` when
    narrowed in another way (a search…); none beyond (the timeout bounds those). A value
    that is not a known code (``dimensions[name]()`` gives them) is ignored, as the list's
    form ignores it."""
    others = tuple(others)

    def tags(request, **kwargs) -> list[str]:
        if page_number(request) > FIRST_PAGES:
            return []
        if any(request.GET.get(name, "").strip() for name in others):
            return [f"{kind}:other"]
        values = {}
        for name, known in dimensions.items():
            value = request.GET.get(name, "")
            values[name] = value if value in known() else ""
        return [list_tag(kind, values, dimensions)]

    return tags


def page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


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


def _version_and_entry(
    key: str, per_object: str, pk, tags: list[str]
) -> tuple[object, tuple | None]:
    """The version the page must carry and the cached entry, in one Redis round trip: the
    entry's key does not hold the version, the entry does (a page of another version is
    stale)."""
    version_keys = (
        [_token_key(per_object), _token_key(per_object, pk)]
        if per_object
        else [_tag_key(tag) for tag in tags]
    )
    found = cache.get_many([*version_keys, key])
    entry = found.pop(key, None)
    version = _object_version(per_object, pk, found) if per_object else _tags_version(tags, found)
    return version, entry


def _cached_response(request, cached) -> HttpResponse:
    """The page as it was stored, served again."""
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


def public_page(
    timeout: int | None = None,
    *,
    per_object: str = "",
    timeout_setting: str = "PUBLIC_PAGE_CACHE_SECONDS",
    tags=None,
):
    """Caches the view's 200 answers for anonymous visitors (``timeout`` or the setting named).

    ``tags(request, **kwargs)`` names the tags of the page besides ``site`` (a list's filters,
    an item's own tag). With ``per_object="practice"``, the page is the one of the object
    whose ``pk`` the URL names: it goes stale with ``expire_object_pages("practice", [pk])``,
    not with ``bump_public_pages()``.
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
                page_tags = [SITE_TAG, *(tags(request, **kwargs) if tags else ())]
                version, cached = _version_and_entry(key, per_object, kwargs.get("pk"), page_tags)
                if cached is not None and cached[0] != version:
                    cached = None
                if cached is not None:
                    _remember(key, cached, generation)
            if cached is not None:
                return _cached_response(request, cached)
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
