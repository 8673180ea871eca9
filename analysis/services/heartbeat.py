"""A run's sign of life while one long call (fitting the model, a finalise step) runs.

Tasks beat at their start and end; a call that may last minutes beats from a thread
beside it, on a connection of its own. The thread skips a beat when the run's row is
locked (the caller's own transaction may hold it), so it never waits on its caller.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from django.db import connection, transaction
from django.utils import timezone

from ..conf import heartbeat_seconds
from ..models import AnalysisRun, RunStatus

logger = logging.getLogger(__name__)


def beat(run_id: int) -> None:
    AnalysisRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        heartbeat_at=timezone.now()
    )


def _beat_unless_locked(run_id: int) -> None:
    with transaction.atomic():
        free = (
            AnalysisRun.objects.select_for_update(skip_locked=True)
            .filter(pk=run_id, status=RunStatus.RUNNING)
            .values_list("pk", flat=True)
        )
        if list(free):
            AnalysisRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())


@contextlib.contextmanager
def beating(run_id: int):
    """Beats every ``ANALYSIS_HEARTBEAT_SECONDS`` until the block ends."""
    if connection.vendor != "postgresql":  # SQLite's single writer: the task's beats suffice
        yield
        return
    stop = threading.Event()

    def loop():
        from django.db import connection as thread_connection

        try:
            while not stop.wait(heartbeat_seconds()):
                try:
                    _beat_unless_locked(run_id)
                except Exception:  # a missed beat is harmless; the next one may pass
                    logger.warning("analysis run %s: heartbeat failed", run_id, exc_info=True)
        finally:
            thread_connection.close()

    thread = threading.Thread(target=loop, name=f"analysis-heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
