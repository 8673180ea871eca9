"""What the practices' pages share: the catalogue link, the pager."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from egts.pagination import BoundedPaginator

PAGE_SIZE = 12


def _catalogue_link() -> dict:
    return {"url": reverse("practices:catalogue"), "title": _("Pratiques significatives")}


def _participant_space_url(fallback: str) -> str:
    try:
        return reverse("participant-space")
    except NoReverseMatch:
        return fallback


def _page(request, queryset):
    paginator = BoundedPaginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page
