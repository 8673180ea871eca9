"""A run's campaigns (near-identical texts) and the log of people's edits."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..models import Campaign, TopicMembership
from .common import breadcrumb, get_run, run_menu

CAMPAIGNS_PER_PAGE = 20


@login_required
def campaigns(request, pk: int):
    run = get_run(request.user, pk)
    page = Paginator(
        Campaign.objects.filter(run=run).select_related("representative").order_by("-size", "pk"),
        CAMPAIGNS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    members: dict[int, list[int]] = {}
    for campaign_id, contribution_id in (
        TopicMembership.objects.filter(campaign__in=list(page.object_list))
        .order_by("contribution_id")
        .values_list("campaign_id", "contribution_id")
    ):
        members.setdefault(campaign_id, []).append(contribution_id)
    topics = dict(
        TopicMembership.objects.filter(campaign__in=list(page.object_list))
        .values_list("campaign_id", "topic__label")
        .distinct()
    )
    return render(
        request,
        "analysis/campaigns.html",
        {
            "run": run,
            "page": page,
            "rows": [
                {"campaign": c, "members": members.get(c.pk, []), "topic": topics.get(c.pk)}
                for c in page
            ],
            "menu": run_menu(run),
            "breadcrumb_data": breadcrumb(_("Campagnes"), run=run, topic=True),
        },
    )


@login_required
def edits(request, pk: int):
    run = get_run(request.user, pk)
    return render(
        request,
        "analysis/edits.html",
        {
            "run": run,
            "edits": run.edits.select_related("topic", "user")[:500],
            "menu": run_menu(run),
            "breadcrumb_data": breadcrumb(_("Journal des modifications"), run=run, topic=True),
        },
    )
