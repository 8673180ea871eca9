"""Celery tasks of the contributions app: they take ids and call services.

Both are sent after a commit by ``contributions.services``: a submission (or an edit) is
screened for the moderators, a publication gives the published text its signature so
that later submissions are compared with it. The work lives in the analysis app, which
keeps the signatures.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError

from analysis.services.screening import contribution_screen, unscreened_contribution_ids
from analysis.services.signatures import contributions_signatures_refresh

COMMON = {
    "acks_late": True,
    "reject_on_worker_lost": True,  # a killed worker gives the message back; both are idempotent
    "autoretry_for": (OperationalError,),  # the database briefly away: transient
    "max_retries": 3,
    "retry_backoff": True,
    "soft_time_limit": 120,
    "time_limit": 150,
}


@shared_task(name="contributions.screen_contribution", **COMMON)
def screen_contribution(contribution_id: int) -> str:
    """Person names (spaCy) and published near-copies of a pending contribution."""
    return "screened" if contribution_screen(contribution_id=contribution_id) else "skipped"


@shared_task(name="contributions.refresh_signatures", **COMMON)
def refresh_signatures(contribution_ids: list[int]) -> int:
    """Signatures of newly published contributions, for the near-copy look-up."""
    return contributions_signatures_refresh(contribution_ids)


# Screenings a moment old are still on their way; a sweep takes up to this many at once.
SWEEP_AFTER = datetime.timedelta(minutes=5)
SWEEP_BATCH = 500


@shared_task(name="contributions.screen_unscreened", soft_time_limit=600, time_limit=660)
def screen_unscreened() -> int:
    """Beat's catch-up: pending contributions that no screening reached (the broker was
    down when they were sent) are screened here, so no name escapes the moderators."""
    ids = unscreened_contribution_ids(older_than=SWEEP_AFTER, limit=SWEEP_BATCH)
    for contribution_id in ids:
        contribution_screen(contribution_id=contribution_id)
    return len(ids)
