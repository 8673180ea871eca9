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

Every task claims its piece under a row lock, so a redelivered message (acks_late: a
killed worker's task comes back) finds it done and stops, and each piece is written in
one transaction. The run's ``heartbeat_at`` moves while any of its tasks works; beat's
``analysis.fail_stale_runs`` marks failed a run whose workers went silent, with a
readable error, and ``analysis_retry`` resumes it where it stopped (done chunks stay).
"""

from __future__ import annotations

import logging
from array import array
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from egts.health import check_broker
from egts.models import Territory, Theme, User

from ..conf import run_parameters, stale_after_seconds
from ..models import (
    AnalysisChunk,
    AnalysisRun,
    ChunkStatus,
    DocumentKind,
    RunPhase,
    RunStatus,
    Topic,
    TopicMembership,
    scope_key,
)
from ..selectors import document_rows, run_documents, texts_by_id
from .bulk import insert_rows
from .heartbeat import beat, beating
from .signatures import signatures_update

logger = logging.getLogger(__name__)

# The project's advisory lock numbers: this one serialises the version numbering of runs.
VERSION_LOCK = 2014_0018
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


def analysis_fail(*, run: AnalysisRun, error: str) -> AnalysisRun:
    run.status = RunStatus.FAILED
    run.error = error[:5000]
    run.finished_at = timezone.now()
    AnalysisRun.objects.filter(pk=run.pk).exclude(status=RunStatus.DONE).update(
        status=run.status, error=run.error, finished_at=run.finished_at
    )
    logger.warning("analysis run %s (v%s) failed: %s", run.pk, run.version, error)
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


def _set_progress(run_id: int, progress: int) -> None:
    AnalysisRun.objects.filter(pk=run_id, progress__lt=progress).update(
        progress=progress, heartbeat_at=timezone.now()
    )


# --- 1. Start: fit and plan -------------------------------------------------------------


def analysis_start(*, run_id: int) -> AnalysisRun | None:
    """Claim a run for this attempt; None when there is nothing (left) to do here."""
    with transaction.atomic():
        run = AnalysisRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.is_finished:
            return None
        if run.attempts >= MAX_ATTEMPTS:
            analysis_fail(
                run=run,
                error=_("L'analyse a été interrompue %(n)d fois (processus arrêté) ; relancez-la.")
                % {"n": run.attempts},
            )
            return None
        now = timezone.now()
        run.status = RunStatus.RUNNING
        run.attempts += 1
        run.started_at = run.started_at or now
        run.heartbeat_at = now
        run.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
    return run


def _document_ids(run: AnalysisRun, kind: str) -> array:
    ids = array("q")
    ids.extend(run_documents(run, kind).order_by("pk").values_list("pk", flat=True).iterator())
    return ids


def _sample(ids_by_kind: dict[str, array], size: int) -> list[tuple[str, int]]:
    """At most ``size`` (kind, id) spread evenly over every document (contributions, then
    answers, each in id order): the same documents give the same sample. Positions are
    computed, never listed, so a million documents cost no list of a million pairs."""
    lengths = [len(ids_by_kind[kind]) for kind in KINDS]
    total = sum(lengths)
    positions = range(total) if total <= size else ((k * total) // size for k in range(size))
    picked = []
    for position in positions:
        for kind, length in zip(KINDS, lengths, strict=True):
            if position < length:
                picked.append((kind, ids_by_kind[kind][position]))
                break
            position -= length
    return picked


def _sample_texts(sample: list[tuple[str, int]]) -> list[str]:
    texts: dict[tuple[str, int], str] = {}
    for kind in KINDS:
        ids = [pk for k, pk in sample if k == kind]
        for start in range(0, len(ids), 5000):
            batch = ids[start : start + 5000]
            texts.update(((kind, pk), text) for pk, text in texts_by_id(kind, batch).items())
    return [texts[key] for key in sample if key in texts]


def _plan_chunks(run: AnalysisRun, ids_by_kind: dict[str, array]) -> list[AnalysisChunk]:
    size = max(1, int(run.parameters.get("chunk_size", 5000)))
    chunks = []
    for kind in KINDS:
        ids = ids_by_kind[kind]
        for start in range(0, len(ids), size):
            end = min(start + size, len(ids)) - 1
            chunks.append(
                AnalysisChunk(
                    run=run,
                    index=len(chunks),
                    kind=kind,
                    first_id=ids[start],
                    last_id=ids[end],
                )
            )
    return chunks


def analysis_fit(*, run: AnalysisRun) -> list[int]:
    """Fit the topic model, record the topics and the chunks; the ids of the chunks to send."""
    ids_by_kind = {kind: _document_ids(run, kind) for kind in KINDS}
    total = sum(len(ids) for ids in ids_by_kind.values())
    if total == 0:
        raise NothingToAnalyse(_("Aucun texte publié ne correspond à ce périmètre."))
    parameters = run.parameters
    texts = _sample_texts(_sample(ids_by_kind, int(parameters.get("sample_size", 20000))))
    _set_progress(run.pk, 10)
    text_engine = engine()
    with beating(run.pk):
        model = text_engine.TopicModel.fit(
            texts,
            seed=int(parameters.get("seed", 0)),
            max_topics=int(parameters.get("max_topics", 30)),
        )
        data = model.to_bytes()
    chunks = _plan_chunks(run, ids_by_kind)
    with transaction.atomic():
        # A redelivered start after a crash between these writes starts the plan over.
        run.memberships.all().delete()
        run.chunks.all().delete()
        run.topics.all().delete()
        Topic.objects.bulk_create(
            Topic(
                run=run,
                index=info.index,
                label=info.label[:200],
                engine_label=info.label[:200],
                keywords=list(info.keywords),
            )
            for info in model.topics
        )
        AnalysisChunk.objects.bulk_create(chunks)
        run.model = data
        run.engine_version = text_engine.ENGINE_VERSION
        run.phase = RunPhase.ASSIGN
        run.chunks_total = len(chunks)
        run.chunks_done = 0
        run.documents = 0
        run.progress = FIT_DONE
        run.heartbeat_at = timezone.now()
        run.save(
            update_fields=[
                "model",
                "engine_version",
                "phase",
                "chunks_total",
                "chunks_done",
                "documents",
                "progress",
                "heartbeat_at",
            ]
        )
    _remember_model(run.pk, model)
    return list(run.chunks.order_by("index").values_list("pk", flat=True))


def analysis_resume(*, run: AnalysisRun) -> None:
    """Send what is left of a run that was already fitted (a retry, a redelivery)."""
    pending = list(
        run.chunks.filter(status=ChunkStatus.PENDING).order_by("index").values_list("pk", flat=True)
    )
    if run.phase == RunPhase.ASSIGN and pending:
        transaction.on_commit(lambda: _send_chunks(run.pk, pending))
    else:
        transaction.on_commit(lambda: _send(run.pk, "finalise_run"))


# --- 2. Assign one chunk ------------------------------------------------------------------

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
    is_contribution = chunk.kind == DocumentKind.CONTRIBUTION
    with transaction.atomic():
        # Locked again, now for the writes: a second copy of this task waits here, then
        # finds the chunk done.
        locked = AnalysisChunk.objects.select_for_update().get(pk=chunk.pk)
        if locked.status == ChunkStatus.DONE:
            return False
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
        if is_contribution and rows:
            signatures_update([(pk, text) for pk, text, *_rest in rows])
        locked.status = ChunkStatus.DONE
        locked.documents = len(rows)
        locked.worker = worker[:200]
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "documents", "worker", "finished_at"])
        AnalysisRun.objects.filter(pk=run.pk).update(
            chunks_done=F("chunks_done") + 1,
            documents=F("documents") + len(rows),
            heartbeat_at=timezone.now(),
        )
        # Read under the row lock the update took: concurrent chunks commit one at a time,
        # so exactly one of them sees the last count.
        done, total, status = (
            AnalysisRun.objects.filter(pk=run.pk)
            .values_list("chunks_done", "chunks_total", "status")
            .get()
        )
        progress = FIT_DONE + ((ASSIGN_DONE - FIT_DONE) * done) // max(total, 1)
        AnalysisRun.objects.filter(pk=run.pk, progress__lt=progress).update(progress=progress)
        if done >= total and status == RunStatus.RUNNING:
            transaction.on_commit(lambda: _send(run.pk, "finalise_run"))
    return True
