"""Celery tasks of the practices app: they take ids and call the app's functions."""

from __future__ import annotations

from celery import shared_task

from .pages import warm_practice_pages


@shared_task(name="practices.warm_practice_pages", soft_time_limit=120, time_limit=150)
def warm_practice_pages_task(practice_ids: list[int]) -> int:
    """Render the pages of these practices, if published, into the cache."""
    return warm_practice_pages(practice_ids)
