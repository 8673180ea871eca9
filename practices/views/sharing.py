"""Sharing a published practice with other territories, and what was shared with us."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from egts.moderation import ModerationStatus
from egts.view_helpers import require, share_posted_form

from .. import forms, services
from ..models import Practice, PracticeShare
from .common import _catalogue_link, _page


@login_required
@require_http_methods(["GET", "POST"])
def practice_share(request, pk: int):
    practice = get_object_or_404(Practice.objects.published().select_related("territory"), pk=pk)
    require(request.user, "practices.share_practice", practice)
    form = forms.ShareForm(request.POST or None, practice=practice)
    status = 200
    if request.method == "POST":
        if share_posted_form(
            request,
            form,
            share=lambda data: services.practice_share(
                practice=practice,
                shared_by=request.user,
                territories=data["territories"],
                message=data["message"],
            ),
            shared=_("Pratique partagée avec %(count)s territoire(s)."),
            already=_("Ces territoires avaient déjà reçu cette pratique."),
        ):
            return redirect(practice.get_absolute_url())
        status = 400
    already = list(practice.shares.select_related("territory").order_by("territory__order"))
    return render(
        request,
        "practices/share.html",
        {
            "practice": practice,
            "form": form,
            "already": already,
            "breadcrumb_data": {
                "links": [
                    _catalogue_link(),
                    {"url": practice.get_absolute_url(), "title": practice.title},
                ],
                "current": _("Partager avec d'autres territoires"),
            },
        },
        status=status,
    )


@login_required
@require_GET
def shared_with_us(request):
    user = request.user
    require(user, "practices.view_shared_practice")
    from egts.rules import copil_territory_ids

    shares = PracticeShare.objects.filter(
        practice__status=ModerationStatus.PUBLISHED, practice__is_draft=False
    ).select_related("territory", "practice__territory")
    if not user.is_national_team:
        shares = shares.filter(territory_id__in=copil_territory_ids(user))
    shares = shares.order_by("-shared_at", "-id")
    page = _page(request, shares)
    return render(
        request,
        "practices/shared_with_us.html",
        {
            "page_obj": page,
            "shares": page.object_list,
            "breadcrumb_data": {
                "links": [_catalogue_link()],
                "current": _("Pratiques partagées avec nous"),
            },
        },
    )
