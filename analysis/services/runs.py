"""Analysis runs: request, fit on a sample, assign every document in chunks, finalise.

The pipeline is three kinds of Celery task, each taking ids:

1. ``analysis.start_run``: fits the topic model on a deterministic sample (at most
   ``sample_size`` texts spread evenly over the scope's documents in id order), stores
   it in the run, cuts the documents into id ranges (``AnalysisChunk``) and sends one
   ``analysis.assign_chunk`` per range, as a Celery group.
2. ``analysis.assign_chunk``: any worker takes any chunk; it assigns its documents to
   topics and computes the contributions' MinHash signatures. The chunk that completes
   the run sends ``analysis.finalise_run``. That count is kept in the run's row rather
   than in a chord, because the project runs Celery without a result backend, and a
   row lock is enough to know which chunk was last.
3. ``analysis.finalise_run``: campaigns, carried-over edits, sizes and shares, quotes
   (finalise.py).

This module records, retries, publishes and queues runs; step 1 is runs_fit.py, step 2
runs_assign.py, and what the steps share (failing a run, sending a task, its progress)
runs_state.py.

Every task claims its piece under a row lock, so a redelivered message (acks_late: a
killed worker's task comes back) finds it done and stops, and each piece is written in
one transaction. The run's ``heartbeat_at`` moves while any of its tasks works; beat's
``analysis.fail_stale_runs`` marks failed a run whose workers went silent, with a
readable error, and ``analysis_retry`` resumes it where it stopped (done chunks stay).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from egts.health import check_broker
from egts.models import Territory, Theme, User

from ..conf import run_parameters, stale_after_seconds
from ..models import AnalysisRun, ChunkStatus, RunStatus, scope_key

# The steps, re-exported for the tasks, which import them from here.
from .runs_assign import analysis_assign_chunk
from .runs_fit import analysis_fit, analysis_resume, analysis_start
from .runs_state import NothingToAnalyse, _send, _send_chunks, analysis_fail

# The project's advisory lock numbers: this one serialises the version numbering of runs.
VERSION_LOCK = 2014_0018


class AnalysisQueueUnavailable(Exception):
    """The task queue (Redis) does not answer: nothing was recorded."""

    def __init__(self):
        super().__init__(
            _(
                "Le service qui analyse les textes est momentanément injoignable : "
                "rien n'a été enregistré. Réessayez dans quelques minutes."
            )
        )


def _require_queue() -> None:
    # Checked before anything is written: a run no worker will receive would sit queued.
    if check_broker() == "down":
        raise AnalysisQueueUnavailable


def _next_version(key: str) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [VERSION_LOCK])
    last = AnalysisRun.objects.filter(scope_key=key).aggregate(v=Max("version"))["v"]
    return (last or 0) + 1


def analysis_request(
    *, requested_by: User, territory: Territory | None = None, theme: Theme | None = None
) -> AnalysisRun:
    """Record the next version of the scope's analysis and queue it.

    Raises AnalysisQueueUnavailable, before writing anything, when the queue is down.
    Who may ask for which scope is the caller's check (rules: analysis.request_analysisrun).
    """
    _require_queue()
    with transaction.atomic():
        key = scope_key(territory, theme)
        run = AnalysisRun.objects.create(
            version=_next_version(key),
            scope_key=key,
            territory=territory,
            theme=theme,
            parameters=run_parameters(),
            requested_by=requested_by,
            status=RunStatus.QUEUED,
        )
        transaction.on_commit(lambda: _send(run.pk, "start_run"))
    return run


@transaction.atomic
def analysis_retry(*, run: AnalysisRun) -> AnalysisRun:
    """Queue a failed run again: it resumes at the step where it stopped."""
    _require_queue()
    run = AnalysisRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.FAILED:
        raise ValidationError(_("Seule une analyse en échec peut être relancée."))
    run.status = RunStatus.QUEUED
    run.error = ""
    run.attempts = 0
    run.finalise_attempts = 0
    run.finished_at = None
    run.save(update_fields=["status", "error", "attempts", "finalise_attempts", "finished_at"])
    run.chunks.filter(status=ChunkStatus.PENDING).update(attempts=0)
    transaction.on_commit(lambda: _send(run.pk, "start_run"))
    return run


def analyses_fail_stale(*, now=None) -> int:
    """Mark failed the runs still `running` whose workers have been silent too long."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_after_seconds())
    return AnalysisRun.objects.stale(older_than=cutoff).update(
        status=RunStatus.FAILED,
        finished_at=now,
        error=_(
            "L'analyse n'a plus donné signe de vie (processus interrompu) ; "
            "relancez-la : elle reprendra là où elle s'est arrêtée."
        ),
    )


@transaction.atomic
def analysis_publish(*, run: AnalysisRun) -> AnalysisRun:
    """Make a finished run's topics public (a published synthesis draws on it)."""
    run = AnalysisRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DONE:
        raise ValidationError(_("Seule une analyse terminée peut être publiée."))
    if run.published_at is None:
        run.published_at = timezone.now()
        run.save(update_fields=["published_at"])
    return run


__all__ = [
    "AnalysisQueueUnavailable",
    "NothingToAnalyse",
    "_send_chunks",
    "analyses_fail_stale",
    "analysis_assign_chunk",
    "analysis_fail",
    "analysis_fit",
    "analysis_publish",
    "analysis_request",
    "analysis_resume",
    "analysis_retry",
    "analysis_start",
]
