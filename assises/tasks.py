"""Celery tasks of the back-office: they take ids and call services."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _

from egts.celery import app

from .services.synthesis import (
    syntheses_fail_stale,
    synthesis_build,
    synthesis_fail,
    synthesis_heartbeat,
    synthesis_start,
)

# Beat marks failed the builds whose worker died this often (see syntheses_fail_stale).
STALE_CHECK_SECONDS = float(settings.SYNTHESIS_STALE_CHECK_SECONDS)


@shared_task(
    bind=True,
    name="assises.build_synthesis",
    acks_late=True,
    # A worker killed mid-build (OOM, deploy) gives the message back to the broker: at once
    # when a pool process dies, after the visibility timeout when the whole worker does.
    # The next attempt starts over, and synthesis_start gives up after MAX_ATTEMPTS.
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def build_synthesis(self, synthesis_id: int) -> str:
    synthesis = synthesis_start(synthesis_id=synthesis_id, task_id=self.request.id)
    if synthesis is None:
        return "skipped"
    try:
        if self.request.is_eager:
            # Built inside the web process (development): nothing to watch from outside.
            synthesis_build(synthesis=synthesis)
        else:
            with synthesis_heartbeat(synthesis_id=synthesis.pk):
                synthesis_build(synthesis=synthesis)
    except SoftTimeLimitExceeded:
        synthesis_fail(
            synthesis=synthesis,
            error=_("La génération a dépassé le délai maximal de %(n)d secondes.")
            % {"n": settings.CELERY_TASK_SOFT_TIME_LIMIT},
        )
        return "failed"
    except Exception as error:  # noqa: BLE001 — any failure must end readable, never `running`
        synthesis_fail(synthesis=synthesis, error=f"{type(error).__name__}: {error}")
        return "failed"
    return "done"


@shared_task(name="assises.fail_stale_syntheses")
def fail_stale_syntheses() -> int:
    return syntheses_fail_stale()


app.add_periodic_task(
    STALE_CHECK_SECONDS, fail_stale_syntheses.s(), name="assises.fail-stale-syntheses"
)
