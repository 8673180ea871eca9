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

from egts.cache import expire_object_pages, render_anonymously
from egts.health import check_broker

from .models import Practice

logger = logging.getLogger(__name__)

PAGE_KIND = "practice"


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
