"""What every step of a run shares: failing it, sending its next task, its progress, the
topic model of the run this process works on.

The steps (runs_fit.py, runs_assign.py, finalise.py) import from here; runs.py records and
queues runs and re-exports the steps for the tasks.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from ..models import AnalysisRun, DocumentKind, RunStatus

# Under the name these lines were always logged with (the code was in runs.py), so that
# log searches and alerts keep finding them.
logger = logging.getLogger("analysis.services.runs")

# A task is tried at most this many times (a killed worker's task is redelivered).
MAX_ATTEMPTS = 3
# Progress: fitting is 0–30 %, assigning 30–90 %, finalising 90–100 %.
FIT_DONE, ASSIGN_DONE = 30, 90
KINDS = (DocumentKind.CONTRIBUTION, DocumentKind.ANSWER)


def engine():
    """The text engine (analysis/engine), imported when a task needs it: the web process
    never loads the NLP libraries for a page."""
    from .. import engine as text_engine

    return text_engine


class NothingToAnalyse(Exception):
    """The scope holds no published text: the run fails with this message."""


def _send(run_id: int, task_name: str, *args) -> None:
    from .. import tasks

    try:
        getattr(tasks, task_name).delay(run_id, *args)
    except OperationalError:
        logger.exception("analysis run %s: %s could not be queued", run_id, task_name)
        AnalysisRun.objects.filter(pk=run_id).exclude(status=RunStatus.DONE).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=_(
                "La demande n'a pas pu être transmise au service d'analyse "
                "(file de traitement injoignable) ; relancez-la."
            ),
        )


def _send_chunks(run_id: int, chunk_ids: list[int]) -> None:
    from celery import group

    from ..tasks import assign_chunk

    if not chunk_ids:
        _send(run_id, "finalise_run")
        return
    try:
        group(assign_chunk.si(run_id, chunk_id) for chunk_id in chunk_ids).apply_async()
    except OperationalError:
        logger.exception("analysis run %s: chunks could not be queued", run_id)
        analysis_fail(
            run=AnalysisRun.objects.get(pk=run_id),
            error=_("Les lots de textes n'ont pas pu être transmis ; relancez l'analyse."),
        )


def analysis_fail(*, run: AnalysisRun, error: str) -> AnalysisRun:
    run.status = RunStatus.FAILED
    run.error = error[:5000]
    run.finished_at = timezone.now()
    AnalysisRun.objects.filter(pk=run.pk).exclude(status=RunStatus.DONE).update(
        status=run.status, error=run.error, finished_at=run.finished_at
    )
    logger.warning("analysis run %s (v%s) failed: %s", run.pk, run.version, error)
    return run


def _set_progress(run_id: int, progress: int) -> None:
    AnalysisRun.objects.filter(pk=run_id, progress__lt=progress).update(
        progress=progress, heartbeat_at=timezone.now()
    )


# The model of the last run this process worked on: chunks of one run follow each other.
_MODEL_CACHE: dict[int, object] = {}


def _remember_model(run_id: int, model) -> None:
    _MODEL_CACHE.clear()
    _MODEL_CACHE[run_id] = model


def _model_of(run: AnalysisRun):
    model = _MODEL_CACHE.get(run.pk)
    if model is None:
        data = AnalysisRun.objects.filter(pk=run.pk).values_list("model", flat=True).first()
        model = engine().TopicModel.from_bytes(bytes(data))
        _remember_model(run.pk, model)
    return model
