"""The cached public page of each published practice (egts/cache.py, ``per_object``).

It is cached for long (``PRACTICE_PAGE_CACHE_SECONDS``) because every write that changes
what it shows calls ``practice_pages_changed()``: after the commit, the page goes stale and,
when the practice is published, a task renders it again before its next visitor.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from kombu.exceptions import OperationalError

from egts import reference
from egts.cache import expire_object_pages, item_list_tags, list_page_tags, render_anonymously
from egts.health import check_broker
from egts.models import ActorCategory

from .models import Practice

logger = logging.getLogger(__name__)

PAGE_KIND = "practice"
CATALOGUE = "practices"

# The catalogue's cached pages are tagged by these filters (egts/cache.py); a keyword, the
# featured filter or a search make "practices:other".
CATALOGUE_DIMENSIONS = {
    "territory": lambda: {
        d.region.territory.slug for d in reference.departments().values() if d.region.territory
    },
    "theme": lambda: set(reference.themes()),
    "policy": lambda: set(reference.policies()),
    "actor_category": lambda: set(ActorCategory.values),
}
catalogue_tags = list_page_tags(CATALOGUE, CATALOGUE_DIMENSIONS, others=("q", "tag", "featured"))


def practice_tags(practices: Iterable[Practice]) -> set[str]:
    """The tags of the catalogue pages that can show one of these practices (two queries)."""
    practices = list(practices)
    ids = [p.pk for p in practices]
    themes: dict[int, list[str]] = {}
    for owner, code in Practice.themes.through.objects.filter(practice_id__in=ids).values_list(
        "practice_id", "theme_id"
    ):
        themes.setdefault(owner, []).append(code)
    policies: dict[int, list[str]] = {}
    for owner, code in Practice.policies.through.objects.filter(practice_id__in=ids).values_list(
        "practice_id", "policy_id"
    ):
        policies.setdefault(owner, []).append(code)
    slugs = {
        d.region.territory.pk: d.region.territory.slug
        for d in reference.departments().values()
        if d.region.territory is not None
    }
    tags: set[str] = set()
    for p in practices:
        tags |= item_list_tags(
            CATALOGUE,
            {
                "territory": [slugs.get(p.territory_id)],
                "theme": themes.get(p.pk, []),
                "policy": policies.get(p.pk, []),
                "actor_category": [p.actor_category],
            },
        )
    return tags


def warm_practice_pages(pks: Iterable[int]) -> int:
    """Render into the cache the pages of those of these practices that are published."""
    published = Practice.objects.published().filter(pk__in=list(pks)).order_by("pk")
    return render_anonymously(
        reverse("practices:detail", args=[pk]) for pk in published.values_list("pk", flat=True)
    )


def _refresh(pks: list[int], published: list[int]) -> None:
    expire_object_pages(PAGE_KIND, pks)
    if not published:
        return
    from .tasks import warm_practice_pages_task

    # Checked first, and sent without retry: kombu would otherwise retry a dead broker
    # for seconds while the moderator waits. Unrendered pages wait for their first visitor.
    try:
        if check_broker() == "down":
            raise OperationalError("broker down")
        warm_practice_pages_task.apply_async(args=[published], retry=False)
    except OperationalError:
        logger.warning("Practice pages %s not queued for rendering: broker unreachable", published)


def practice_pages_changed(practices: Iterable[Practice]) -> None:
    """After the commit, these practices' cached pages go stale; the published ones are
    rendered again (call it from every write that changes what the page shows)."""
    practices = list(practices)
    pks = [practice.pk for practice in practices]
    # Whether a practice is published is read at the commit, after every change of the
    # transaction (a moderation may edit, then publish).
    transaction.on_commit(
        lambda: _refresh(pks, [practice.pk for practice in practices if practice.is_published])
    )


def practice_pages_deleted(pks: Iterable[int]) -> None:
    """After the commit, the cached pages of these deleted practices go."""
    pks = list(pks)
    transaction.on_commit(lambda: expire_object_pages(PAGE_KIND, pks))
