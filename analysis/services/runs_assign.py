"""Step 2 of a run (``analysis.assign_chunk``): any worker assigns any chunk's documents
to topics and computes the contributions' MinHash signatures; the chunk that completes the
run sends ``analysis.finalise_run``."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    AnalysisChunk,
    AnalysisRun,
    ChunkStatus,
    DocumentKind,
    RunStatus,
    TopicMembership,
)
from ..selectors import document_rows
from .bulk import insert_rows
from .heartbeat import beat
from .runs_state import ASSIGN_DONE, FIT_DONE, MAX_ATTEMPTS, _model_of, _send, analysis_fail
from .signatures import signatures_update

MEMBERSHIP_FIELDS = [
    "run_id",
    "chunk",
    "topic_id",
    "contribution_id",
    "answer_id",
    "weight",
    "actor_category",
    "territory_id",
]


def _claim_chunk(*, run_id: int, chunk_id: int) -> AnalysisChunk | None:
    with transaction.atomic():
        chunk = (
            AnalysisChunk.objects.select_for_update()
            .select_related("run")
            .filter(pk=chunk_id, run_id=run_id)
            .first()
        )
        if chunk is None or chunk.status == ChunkStatus.DONE:
            return None
        if chunk.run.status != RunStatus.RUNNING:
            return None
        if chunk.attempts >= MAX_ATTEMPTS:
            analysis_fail(
                run=chunk.run,
                error=_(
                    "Le lot de textes n° %(n)d a été interrompu %(a)d fois (processus arrêté) ; "
                    "relancez l'analyse."
                )
                % {"n": chunk.index + 1, "a": chunk.attempts},
            )
            return None
        # Counted in its own transaction: a worker killed mid-chunk still used an attempt.
        chunk.attempts += 1
        chunk.save(update_fields=["attempts"])
    return chunk


def _write_memberships(run: AnalysisRun, chunk: AnalysisChunk, rows, assignments) -> None:
    """Replace the chunk's memberships by one row per document and its topic."""
    is_contribution = chunk.kind == DocumentKind.CONTRIBUTION
    topic_ids = dict(run.topics.values_list("index", "pk"))
    TopicMembership.objects.filter(run=run, chunk=chunk.index).delete()
    insert_rows(
        TopicMembership,
        MEMBERSHIP_FIELDS,
        (
            (
                run.pk,
                chunk.index,
                topic_ids.get(index) if index is not None else None,
                pk if is_contribution else None,
                None if is_contribution else pk,
                float(weight or 0.0),
                actor_category or "",
                territory_id,
            )
            for (pk, _text, actor_category, territory_id), (index, weight) in zip(
                rows, assignments, strict=True
            )
        ),
    )


def _count_chunk_done(run_id: int, documents: int) -> None:
    """Add a done chunk to the run's counts; the last one sends the finalise task."""
    AnalysisRun.objects.filter(pk=run_id).update(
        chunks_done=F("chunks_done") + 1,
        documents=F("documents") + documents,
        heartbeat_at=timezone.now(),
    )
    # Read under the row lock the update took: concurrent chunks commit one at a time,
    # so exactly one of them sees the last count.
    done, total, status = (
        AnalysisRun.objects.filter(pk=run_id)
        .values_list("chunks_done", "chunks_total", "status")
        .get()
    )
    progress = FIT_DONE + ((ASSIGN_DONE - FIT_DONE) * done) // max(total, 1)
    AnalysisRun.objects.filter(pk=run_id, progress__lt=progress).update(progress=progress)
    if done >= total and status == RunStatus.RUNNING:
        transaction.on_commit(lambda: _send(run_id, "finalise_run"))


def analysis_assign_chunk(*, run_id: int, chunk_id: int, worker: str = "") -> bool:
    """Assign one chunk's documents; True when this call did the work."""
    chunk = _claim_chunk(run_id=run_id, chunk_id=chunk_id)
    if chunk is None:
        return False
    run = chunk.run
    beat(run.pk)
    model = _model_of(run)
    rows = document_rows(run, chunk.kind, first_id=chunk.first_id, last_id=chunk.last_id)
    assignments = model.assign([row[1] for row in rows]) if rows else []
    with transaction.atomic():
        # Locked again, now for the writes: a second copy of this task waits here, then
        # finds the chunk done.
        locked = AnalysisChunk.objects.select_for_update().get(pk=chunk.pk)
        if locked.status == ChunkStatus.DONE:
            return False
        _write_memberships(run, chunk, rows, assignments)
        if chunk.kind == DocumentKind.CONTRIBUTION and rows:
            signatures_update([(pk, text) for pk, text, *_rest in rows])
        locked.status = ChunkStatus.DONE
        locked.documents = len(rows)
        locked.worker = worker[:200]
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "documents", "worker", "finished_at"])
        _count_chunk_done(run.pk, len(rows))
    return True
