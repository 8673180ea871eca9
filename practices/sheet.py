"""The printable practice sheet: rendered on demand, cached until the practice changes."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from egts.pdf import render_pdf

from .models import Practice

SHEET_TEMPLATE = "practices/pdf/sheet.html"
# Any edit moves updated_at, hence the key: a stale sheet is never served, only evicted.
SHEET_CACHE_SECONDS = 7 * 24 * 3600


def sheet_cache_key(practice: Practice, base_url: str) -> str:
    # The sheet prints its own address, so each address it is served at has its own copy.
    site = hashlib.sha256(base_url.encode()).hexdigest()[:12]
    return f"practices:sheet:{practice.pk}:{practice.updated_at.timestamp():.6f}:{site}"


def sheet_filename(practice: Practice) -> str:
    return f"pratique-{practice.pk}.pdf"


def render_sheet(practice: Practice, *, base_url: str | None = None) -> bytes:
    """``base_url`` starts the sheet's link to the practice page (see egts.pdf.site_base_url)."""
    return render_pdf(
        SHEET_TEMPLATE,
        {
            "practice": practice,
            "site_url": (base_url or settings.SITE_URL).rstrip("/"),
            "generated_on": timezone.localdate(),
        },
    )


def sheet_pdf(practice: Practice, *, base_url: str | None = None) -> bytes:
    """The sheet's bytes, from the cache when the practice has not changed since."""
    base_url = (base_url or settings.SITE_URL).rstrip("/")
    key = sheet_cache_key(practice, base_url)
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_sheet(practice, base_url=base_url)
        cache.set(key, pdf, SHEET_CACHE_SECONDS)
    return pdf
