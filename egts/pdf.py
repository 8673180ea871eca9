"""Renders a Django template to PDF with WeasyPrint, reading static files from disk."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string


def _static_file(name: str) -> Path | None:
    """The file behind a static name, hashed (as ``{% static %}`` writes it in production) or not.

    The finders give the source files (development, and unhashed names). With
    ManifestStaticFilesStorage the pages link hashed names (``css/synthesis_pdf.<hash>.css``)
    that no finder knows: those are read from the collected files, in STATIC_ROOT.
    """
    try:
        found = finders.find(name)
        if isinstance(found, str):
            return Path(found)
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except (SuspiciousFileOperation, NotImplementedError, ValueError, OSError):
        pass
    return None


def _local_file(url: str) -> Path | None:
    """The file on disk behind a /static/ or /media/ URL, or None."""
    parsed = urlparse(url)
    if parsed.scheme not in ("", "file"):
        return None
    path = unquote(parsed.path)
    if path.startswith(settings.STATIC_URL):
        return _static_file(path[len(settings.STATIC_URL) :])
    if path.startswith(settings.MEDIA_URL):
        root = Path(settings.MEDIA_ROOT).resolve()
        candidate = (root / path[len(settings.MEDIA_URL) :]).resolve()
        return candidate if candidate.is_relative_to(root) and candidate.exists() else None
    return None


def _fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Serves /static/ and /media/ from disk and data: URIs; refuses anything else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            local = _local_file(url)
            if local is None:
                raise ValueError(f"Resource refused in a PDF: {url}")
            return super().fetch(local.as_uri(), headers)

    return LocalOnlyFetcher()


def site_base_url(request=None) -> str:
    """The address links in a document start with: SITE_URL when it is set, else the address
    the request came to (a PDF built later, in Celery, is given this from the request that
    asked for it), else SITE_URL's development default."""
    if settings.SITE_URL_IS_SET or request is None:
        return settings.SITE_URL.rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")


def render_pdf(template_name: str, context: dict, *, pdf_variant: str | None = "pdf/ua-1") -> bytes:
    """The PDF bytes of ``template_name``; tagged (PDF/UA) unless told otherwise."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url="file:///", url_fetcher=_fetcher())
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    return document.write_pdf(**options)
