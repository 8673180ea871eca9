"""Celery tasks of the analysis: they take ids and call services (services/runs.py says
how the three kinds of task share a run)."""

from __future__ import annotations

import datetime
import os
import socket

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _

from .models import AnalysisRun, RunPhase
from .services.finalise import analysis_finalise
from .services.runs import (
    NothingToAnalyse,
    _send_chunks,
    analyses_fail_stale,
    analysis_assign_chunk,
    analysis_fail,
    analysis_fit,
    analysis_resume,
    analysis_start,
)
from .services.screening import practice_screen_names, unscreened_practice_ids

# Fitting reads the whole sample at once: it may take longer than an ordinary task.
FIT_SOFT_LIMIT = getattr(settings, "ANALYSIS_FIT_SOFT_TIME_LIMIT", 1800)
FINALISE_SOFT_LIMIT = getattr(settings, "ANALYSIS_FINALISE_SOFT_TIME_LIMIT", 1800)

COMMON = {
    "acks_late": True,
    # A worker killed mid-task gives the message back: the next attempt finds what was
    # done (row locks, chunk states) and goes on; MAX_ATTEMPTS bounds the retries.
    "reject_on_worker_lost": True,
}


def _worker_name(task) -> str:
    """The worker's node name and process id: two workers on one host still differ."""
    return f"{getattr(task.request, 'hostname', None) or socket.gethostname()}#{os.getpid()}"


def _fail(run_id: int, error: BaseException, limit: int | None = None) -> str:
    run = AnalysisRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    if isinstance(error, SoftTimeLimitExceeded):
        message = _("L'analyse a dépassé le délai maximal de %(n)d secondes.") % {
            "n": limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
        }
    elif isinstance(error, NothingToAnalyse):
        message = str(error)
    else:
        message = f"{type(error).__name__}: {error}"
    analysis_fail(run=run, error=message)
    return "failed"


@shared_task(
    name="analysis.start_run",
    bind=True,
    soft_time_limit=FIT_SOFT_LIMIT,
    time_limit=FIT_SOFT_LIMIT + 60,
    **COMMON,
)
def start_run(self, run_id: int) -> str:
    run = analysis_start(run_id=run_id)
    if run is None:
        return "skipped"
    try:
        if run.phase == RunPhase.FIT:
            chunk_ids = analysis_fit(run=run)
            _send_chunks(run.pk, chunk_ids)
        else:
            analysis_resume(run=run)
    except Exception as error:  # noqa: BLE001 — any failure must end readable, never `running`
        return _fail(run_id, error, FIT_SOFT_LIMIT)
    return "started"


@shared_task(
    name="analysis.assign_chunk",
    bind=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    **COMMON,
)
def assign_chunk(self, run_id: int, chunk_id: int) -> str:
    try:
        done = analysis_assign_chunk(run_id=run_id, chunk_id=chunk_id, worker=_worker_name(self))
    except Exception as error:  # noqa: BLE001
        return _fail(run_id, error)
    return "done" if done else "skipped"


@shared_task(
    name="analysis.finalise_run",
    soft_time_limit=FINALISE_SOFT_LIMIT,
    time_limit=FINALISE_SOFT_LIMIT + 60,
    **COMMON,
)
def finalise_run(run_id: int) -> str:
    try:
        run = analysis_finalise(run_id=run_id)
    except Exception as error:  # noqa: BLE001
        return _fail(run_id, error, FINALISE_SOFT_LIMIT)
    return "done" if run is not None else "skipped"


@shared_task(name="analysis.fail_stale_runs")
def fail_stale_runs() -> int:
    return analyses_fail_stale()


@shared_task(
    name="analysis.screen_practice_names",
    soft_time_limit=120,
    time_limit=150,
    acks_late=True,
    reject_on_worker_lost=True,
)
def screen_practice_names(practice_id: int) -> str:
    """spaCy's person names in a practice sent to moderation (too slow for its request)."""
    return "screened" if practice_screen_names(practice_id=practice_id) else "skipped"


# As for contributions (contributions.tasks): a screening a moment old is on its way.
SWEEP_AFTER = datetime.timedelta(minutes=5)
SWEEP_BATCH = 200


@shared_task(name="analysis.screen_unscreened_practices", soft_time_limit=600, time_limit=660)
def screen_unscreened_practices() -> int:
    """Beat's catch-up: practices sent to moderation that no name screening reached (the
    broker was down), screened here so that no name escapes the moderators."""
    ids = unscreened_practice_ids(older_than=SWEEP_AFTER, limit=SWEEP_BATCH)
    for practice_id in ids:
        practice_screen_names(practice_id=practice_id)
    return len(ids)
