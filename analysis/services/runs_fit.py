"""Step 1 of a run (``analysis.start_run``): claim it, fit the topic model on a sample,
record the topics and cut the documents into chunks; or resume a run already fitted."""

from __future__ import annotations

from array import array

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AnalysisChunk, AnalysisRun, ChunkStatus, RunPhase, RunStatus, Topic
from ..selectors import run_documents, texts_by_id
from .heartbeat import beating
from .runs_state import (
    FIT_DONE,
    KINDS,
    MAX_ATTEMPTS,
    NothingToAnalyse,
    _remember_model,
    _send,
    _send_chunks,
    _set_progress,
    analysis_fail,
    engine,
)


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
