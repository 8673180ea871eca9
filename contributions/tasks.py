"""Celery tasks of the contributions app: they take ids and call services.

Both are sent after a commit by ``contributions.services``: a submission (or an edit) is
screened for the moderators, a publication gives the published text its signature so
that later submissions are compared with it. The work lives in the analysis app, which
keeps the signatures.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from analysis.services.screening import contribution_screen
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
