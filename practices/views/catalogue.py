"""The public catalogue and a practice's page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from egts.cache import public_page

from ..filters import PracticeFilter
from ..models import Practice
from ..pages import PAGE_KIND, catalogue_tags
from .common import _catalogue_link, _page


def practice_card(practice: Practice) -> dict:
    """The dsfr_card data of one practice (references already prefetched)."""
    badges = []
    if practice.featured:
        badges.append({"label": _("Mise en avant"), "extra_classes": "fr-badge--green-emeraude"})
    badges += [
        {"label": theme.label, "extra_classes": "fr-badge--sm"} for theme in practice.themes.all()
    ][:2]
    place = practice.territory.name if practice.territory else _("National")
    return {
        "title": practice.title,
        "heading_tag": "h3",
        "description": practice.summary,
        "link": practice.get_absolute_url(),
        "top_detail": {"badges": badges, "detail": {"text": practice.organisation}},
        "bottom_detail": {"text": place, "icon_class": "fr-icon-map-pin-2-line"},
        "extra_classes": "egts-practice-card",
    }


@public_page(tags=catalogue_tags)
@require_GET
def practice_catalogue(request):
    # Invalid filters are shown in error beside their field, and ignored.
    filterset = PracticeFilter(request.GET or None, queryset=Practice.objects.published())
    page = _page(request, filterset.qs.with_references())
    return render(
        request,
        "practices/catalogue.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "cards": [practice_card(p) for p in page.object_list],
            "is_filtered": filterset.is_filtered,
            "breadcrumb_data": {"links": [], "current": _("Pratiques significatives")},
        },
    )


@public_page(per_object=PAGE_KIND, timeout_setting="PRACTICE_PAGE_CACHE_SECONDS")
@require_GET
def practice_detail(request, pk: int):
    practice = get_object_or_404(
        Practice.objects.visible_to(request.user).with_references().prefetch_related("attachments"),
        pk=pk,
    )
    user = request.user
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "attachments": list(practice.attachments.all()),
            "can_see_status": user.has_perm("practices.view_status_practice", practice),
            "can_edit": user.has_perm("practices.change_practice", practice),
            "can_moderate": user.has_perm("practices.moderate_practice", practice),
            "can_share": user.has_perm("practices.share_practice", practice),
            "breadcrumb_data": {"links": [_catalogue_link()], "current": practice.title},
        },
    )
