"""Celery tasks of the consensus results: they take ids and call services."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from egts.models import Territory

from .models import Computation


@shared_task(name="consensus.compute_results", soft_time_limit=300, time_limit=360)
def compute_results(territory_id: int | None = None) -> str:
    """Recompute one scope's results and opinion groups (None: national)."""
    from .results import results_compute, scope_of

    territory = None
    if territory_id is not None:
        territory = Territory.objects.filter(pk=territory_id).first()
        if territory is None:
            return "missing"
    try:
        results_compute(territory=territory)
    except (SoftTimeLimitExceeded, Exception) as exc:
        # The stored results stay those of the last good run; the error says why not newer.
        Computation.objects.filter(scope=scope_of(territory)).update(
            error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    return "done"


@shared_task(name="consensus.refresh_all")
def refresh_all() -> int:
    """The periodic recomputation: the national scope and every territory."""
    compute_results.delay(None)
    territory_ids = list(Territory.objects.values_list("pk", flat=True))
    for territory_id in territory_ids:
        compute_results.delay(territory_id)
    return len(territory_ids) + 1
