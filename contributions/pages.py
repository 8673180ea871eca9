"""Which cached public pages can show a contribution (egts/cache.py tags).

The public list is tagged by its filters (territory, theme, policy, kind, category) on its
first pages, and each detail page by its contribution: publishing one contribution drops
the lists it can appear in and its own page, and leaves the others cached.
"""

from __future__ import annotations

from collections.abc import Iterable

from egts import reference
from egts.cache import item_list_tags, list_page_tags
from egts.models import ActorCategory

from .models import Contribution, ContributionKind

LIST = "contributions"


def _territory_slugs() -> dict[int, str]:
    return {
        d.region.territory.pk: d.region.territory.slug
        for d in reference.departments().values()
        if d.region.territory is not None
    }


DIMENSIONS = {
    "territory": lambda: set(_territory_slugs().values()),
    "theme": lambda: set(reference.themes()),
    "policy": lambda: set(reference.policies()),
    "kind": lambda: set(ContributionKind.values),
    "actor_category": lambda: set(ActorCategory.values),
}
list_tags = list_page_tags(LIST, DIMENSIONS)


def detail_tag(pk) -> str:
    return f"contribution:{pk}"


def detail_tags(request, pk, **kwargs) -> list[str]:
    return [detail_tag(pk)]


def contribution_tags(contributions: Iterable[Contribution]) -> set[str]:
    """The tags of every page that can show one of these contributions (two queries)."""
    contributions = list(contributions)
    ids = [c.pk for c in contributions]
    themes: dict[int, list[str]] = {}
    for owner, code in Contribution.themes.through.objects.filter(
        contribution_id__in=ids
    ).values_list("contribution_id", "theme_id"):
        themes.setdefault(owner, []).append(code)
    policies: dict[int, list[str]] = {}
    for owner, code in Contribution.policies.through.objects.filter(
        contribution_id__in=ids
    ).values_list("contribution_id", "policy_id"):
        policies.setdefault(owner, []).append(code)
    slugs = _territory_slugs()
    tags: set[str] = set()
    for c in contributions:
        tags |= item_list_tags(
            LIST,
            {
                "territory": [slugs.get(c.territory_id)],
                "theme": themes.get(c.pk, []),
                "policy": policies.get(c.pk, []),
                "kind": [c.kind],
                "actor_category": [c.actor_category],
            },
        )
        tags.add(detail_tag(c.pk))
    return tags
