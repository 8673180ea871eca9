"""Celery tasks of the contributions app: they call the app's functions."""

from __future__ import annotations

from celery import shared_task

from .services import purge_submission_guards


@shared_task(name="contributions.purge_submission_guards", soft_time_limit=120, time_limit=150)
def purge_submission_guards_task() -> int:
    """Delete the records of sendings older than the resubmission window (Celery beat)."""
    return purge_submission_guards()
