"""Lookups and page furniture every back-office view shares.

Lookups go through ``.visible_to(user)`` first (404 for what the user may not
see), then through a rules permission (403 for what they see but may not do).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Assise


def require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def get_assise(user, slug: str) -> Assise:
    return get_object_or_404(Assise.objects.visible_to(user).with_territory(), territory__slug=slug)


def workspace_menu(user, assise: Assise) -> dict:
    slug = assise.territory.slug
    items = [
        {"label": _("Tableau de bord"), "link": reverse("assises:dashboard", args=[slug])},
        {
            "label": _("Points d'étape du COPIL"),
            "link": reverse("assises:checkpoints", args=[slug]),
        },
        {"label": _("Membres et rôles"), "link": reverse("assises:members", args=[slug])},
    ]
    items += _moderation_items(slug)
    items += [
        {"label": _("Groupes de travail"), "link": reverse("assises:groups", args=[slug])},
        {
            "label": _("Hypothèses du pré-diagnostic"),
            "link": reverse("assises:reviews", args=[slug]),
        },
        {"label": _("Propositions"), "link": reverse("assises:proposals", args=[slug])},
        {"label": _("Rapport territorial"), "link": reverse("assises:report", args=[slug])},
        {
            "label": _("Suivi : actions locales"),
            "link": reverse("actionplan:local-actions", args=[slug]),
        },
    ]
    return {"title": str(assise.territory), "items": items, "heading_tag": "h2", "id": "workspace"}


def _moderation_items(slug: str) -> list[dict]:
    return [
        {"label": _("File de modération"), "link": reverse("assises:queue", args=[slug])},
        {"label": _("Journal de modération"), "link": reverse("assises:log", args=[slug])},
        {"label": _("Contributions hors ligne"), "link": reverse("assises:offline", args=[slug])},
    ]


def workspace_context(user, assise: Assise, current: str, *, parents=()) -> dict:
    """The side menu and the breadcrumb of a territory's page."""
    links = [{"url": reverse("assises:home"), "title": _("Espace des assises")}]
    links.append(
        {"url": reverse("assises:dashboard", args=[assise.territory.slug]), "title": str(assise)}
    )
    links += [{"url": url, "title": title} for url, title in parents]
    return {
        "assise": assise,
        "territory": assise.territory,
        "menu": workspace_menu(user, assise),
        "breadcrumb_data": {"links": links, "current": current},
    }
