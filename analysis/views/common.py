"""Lookups and page furniture every analysis page shares.

Lookups go through ``.visible_to(user)`` (404 for another territory's run), then through
a rules permission (403). Forms re-render with what was typed and a message per field.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from egts.rules import copil_territory_ids

from ..models import AnalysisRun, Topic


def require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def require_analyst(user) -> None:
    """The pages are for the national team and COPIL members (not facilitators)."""
    if not (user.is_national_team or copil_territory_ids(user)):
        raise PermissionDenied


def get_run(user, pk: int) -> AnalysisRun:
    require_analyst(user)
    return get_object_or_404(
        AnalysisRun.objects.visible_to(user).select_related("territory", "theme", "requested_by"),
        pk=pk,
    )


def get_topic(user, pk: int, topic_pk: int) -> Topic:
    run = get_run(user, pk)
    topic = get_object_or_404(run.topics.all(), pk=topic_pk)
    topic.run = run
    return topic


def breadcrumb(current: str, *, run: AnalysisRun | None = None, topic=None) -> dict:
    links = [
        {"url": reverse("assises:home"), "title": _("Espace des assises")},
    ]
    if run is not None:
        links.append({"url": reverse("analysis:runs"), "title": _("Analyse des textes")})
    if topic is not None:
        links.append({"url": run.get_absolute_url(), "title": str(run)})
    return {"links": links, "current": current}


def run_menu(run: AnalysisRun) -> dict:
    items = [
        {"label": _("Thèmes dégagés"), "link": run.get_absolute_url()},
        {"label": _("Campagnes"), "link": reverse("analysis:campaigns", args=[run.pk])},
        {"label": _("Journal des modifications"), "link": reverse("analysis:edits", args=[run.pk])},
        {"label": _("Toutes les analyses"), "link": reverse("analysis:runs")},
    ]
    return {"title": str(run), "items": items, "heading_tag": "h2", "id": "analysis-menu"}
