"""The national synthesis: request (frozen figures), build (HTML + PDF), retry, publish."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.db.models import Case, Max, Value, When
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from egts.health import check_broker
from egts.models import User
from egts.pdf import render_pdf

from ..models import Synthesis, SynthesisStatus
from .synthesis_figures import synthesis_figures
from .synthesis_report import report_context

logger = logging.getLogger(__name__)

# Any one advisory lock number of the project's own: it serialises version numbering.
VERSION_LOCK = 2014_0001
# A build is tried at most this many times (a killed worker's task is redelivered).
MAX_ATTEMPTS = 3


def hard_time_limit() -> int:
    """The build task's hard limit: no build may legitimately run longer."""
    return settings.CELERY_TASK_TIME_LIMIT


def stale_after() -> int:
    """Seconds without a heartbeat after which a running build's worker is taken for dead."""
    return settings.SYNTHESIS_STALE_AFTER_SECONDS


def _lost_worker_error() -> str:
    return _(
        "Le processus qui construisait cette version s'est arrêté avant la fin "
        "(aucun signe de vie depuis %(n)d secondes) : rien n'a été publié. "
        "Relancez la génération."
    ) % {"n": stale_after()}


def _next_version() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [VERSION_LOCK])
    last = Synthesis.objects.aggregate(v=Max("version"))["v"]
    return (last or 0) + 1


class SynthesisQueueUnavailable(Exception):
    """The task queue (Redis) does not answer: the request was refused and nothing recorded."""

    def __init__(self):
        super().__init__(
            _(
                "Le service qui construit les synthèses est momentanément injoignable : "
                "rien n'a été enregistré. Réessayez dans quelques minutes."
            )
        )


def _require_queue() -> None:
    # Checked before anything is written: a version that no worker will ever receive
    # would sit "queued" for nothing.
    if check_broker() == "down":
        raise SynthesisQueueUnavailable


def _send(pk: int) -> None:
    from ..tasks import build_synthesis

    try:
        build_synthesis.delay(pk)
    except OperationalError:
        # The broker went away between the check and the commit: say so on the version
        # (it can be retried) rather than leave it queued forever.
        logger.exception("synthesis %s could not be queued", pk)
        Synthesis.objects.filter(pk=pk, status=SynthesisStatus.QUEUED).update(
            status=SynthesisStatus.FAILED,
            finished_at=timezone.now(),
            error=_(
                "La demande n'a pas pu être transmise au service de construction "
                "(file de traitement injoignable) ; relancez-la."
            ),
        )


def _dispatch(synthesis: Synthesis) -> None:
    pk = synthesis.pk
    transaction.on_commit(lambda: _send(pk))


def synthesis_request(*, requested_by: User) -> Synthesis:
    """Freeze today's figures as the next version and queue its build.

    Raises SynthesisQueueUnavailable, before writing anything, when the queue is down.
    """
    _require_queue()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for every aggregate: the figures agree with each other even
            # while contributions keep arriving during the few seconds they take.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        version = _next_version()
        synthesis = Synthesis.objects.create(
            version=version,
            figures=synthesis_figures(),
            requested_by=requested_by,
            status=SynthesisStatus.QUEUED,
        )
        _dispatch(synthesis)
    return synthesis


def _set_progress(synthesis: Synthesis, progress: int) -> None:
    synthesis.progress = progress
    Synthesis.objects.filter(pk=synthesis.pk).update(progress=progress, heartbeat_at=timezone.now())


def _is_silent(synthesis: Synthesis, now) -> bool:
    last_sign = synthesis.heartbeat_at or synthesis.started_at
    return last_sign is None or last_sign < now - timedelta(seconds=stale_after())


@contextmanager
def synthesis_heartbeat(*, synthesis_id: int, every: float | None = None) -> Iterator[None]:
    """Moves ``heartbeat_at`` every few seconds while the block runs.

    A thread beats, because the PDF is one long WeasyPrint call: progress alone would
    leave minutes of silence. A killed worker stops beating with it, and the stale sweep
    (syntheses_fail_stale) tells a dead build within SYNTHESIS_STALE_AFTER_SECONDS.
    """
    every = every or settings.SYNTHESIS_HEARTBEAT_SECONDS
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    Synthesis.objects.filter(
                        pk=synthesis_id, status=SynthesisStatus.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # noqa: BLE001 — a missed beat must not stop the build
                    logger.warning("synthesis %s: heartbeat not recorded", synthesis_id)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"synthesis-{synthesis_id}-heartbeat")
    thread.daemon = True
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 10)


def synthesis_start(*, synthesis_id: int, task_id: str | None = None) -> Synthesis | None:
    """Claim a build for this attempt; None when there is nothing to do.

    ``task_id`` is the broker message's: the same message delivered again means that the
    worker that had it died (the broker gives it back), so the build resumes, even after
    the stale sweep marked it failed. Another message for a build that still beats is a
    duplicate and is dropped.
    """
    now = timezone.now()
    with transaction.atomic():
        synthesis = Synthesis.objects.select_for_update().filter(pk=synthesis_id).first()
        if synthesis is None or synthesis.status == SynthesisStatus.DONE:
            return None
        redelivered = bool(task_id) and task_id == synthesis.task_id
        if synthesis.status == SynthesisStatus.FAILED and not redelivered:
            return None
        if (
            synthesis.status == SynthesisStatus.RUNNING
            and not redelivered
            and not _is_silent(synthesis, now)
        ):
            return None
        if synthesis.attempts >= MAX_ATTEMPTS:
            # Redelivered after the worker died on each previous attempt: give up readably.
            synthesis_fail(
                synthesis=synthesis,
                error=_(
                    "La génération a été interrompue %(n)d fois (processus arrêté) ; relancez-la."
                )
                % {"n": synthesis.attempts},
            )
            return None
        synthesis.status = SynthesisStatus.RUNNING
        synthesis.attempts += 1
        synthesis.progress = 5
        synthesis.started_at = synthesis.heartbeat_at = now
        synthesis.finished_at = None
        synthesis.error = ""
        synthesis.task_id = task_id or ""
        synthesis.save(
            update_fields=[
                "status",
                "attempts",
                "progress",
                "started_at",
                "heartbeat_at",
                "finished_at",
                "error",
                "task_id",
            ]
        )
    return synthesis


def synthesis_build(*, synthesis: Synthesis) -> Synthesis:
    """Render the HTML version and the tagged PDF from the frozen figures."""
    context = report_context(synthesis=synthesis)
    _set_progress(synthesis, 20)
    html = render_to_string("assises/synthesis_body.html", context)
    _set_progress(synthesis, 40)
    pdf = render_pdf("assises/pdf/synthesis.html", context)
    _set_progress(synthesis, 90)
    with transaction.atomic():
        synthesis.pdf.save(
            f"synthese-nationale-v{synthesis.version}.pdf", ContentFile(pdf), save=False
        )
        synthesis.html = html
        synthesis.status = SynthesisStatus.DONE
        synthesis.progress = 100
        synthesis.finished_at = timezone.now()
        synthesis.save(update_fields=["pdf", "html", "status", "progress", "finished_at"])
    return synthesis


def synthesis_fail(*, synthesis: Synthesis, error: str) -> Synthesis:
    synthesis.status = SynthesisStatus.FAILED
    synthesis.error = error[:5000]
    synthesis.finished_at = timezone.now()
    Synthesis.objects.filter(pk=synthesis.pk).update(
        status=synthesis.status, error=synthesis.error, finished_at=synthesis.finished_at
    )
    logger.warning("synthesis v%s failed: %s", synthesis.version, error)
    return synthesis


@transaction.atomic
def synthesis_retry(*, synthesis: Synthesis) -> Synthesis:
    """Queue a failed build again, from the same frozen figures (same version)."""
    _require_queue()
    synthesis = Synthesis.objects.select_for_update().get(pk=synthesis.pk)
    if synthesis.status != SynthesisStatus.FAILED:
        raise ValidationError(_("Seule une synthèse en échec peut être relancée."))
    synthesis.status = SynthesisStatus.QUEUED
    synthesis.progress = 0
    synthesis.error = ""
    synthesis.attempts = 0
    synthesis.started_at = synthesis.heartbeat_at = None
    synthesis.finished_at = None
    # The next message is a new one: the old one, if the broker gives it back, is a duplicate.
    synthesis.task_id = ""
    synthesis.save(
        update_fields=[
            "status",
            "progress",
            "error",
            "attempts",
            "started_at",
            "heartbeat_at",
            "finished_at",
            "task_id",
        ]
    )
    _dispatch(synthesis)
    return synthesis


@transaction.atomic
def synthesis_publish(*, synthesis: Synthesis, published_by: User) -> Synthesis:
    synthesis = Synthesis.objects.select_for_update().get(pk=synthesis.pk)
    if synthesis.status != SynthesisStatus.DONE:
        raise ValidationError(_("Seule une synthèse terminée peut être publiée."))
    if not synthesis.published:
        synthesis.published = True
        synthesis.published_at = timezone.now()
        synthesis.save(update_fields=["published", "published_at"])
        logger.info("synthesis v%s published by %s", synthesis.version, published_by.pk)
    return synthesis


def syntheses_fail_stale(*, now=None) -> int:
    """Mark failed the builds whose worker is gone: silent for SYNTHESIS_STALE_AFTER_SECONDS
    (killed, out of memory), or running past the hard time limit.

    Run by beat every SYNTHESIS_STALE_CHECK_SECONDS and by every read of a synthesis, so a
    dead build shows as failed, with its "Relancer" action, within about a minute.
    """
    now = now or timezone.now()
    started_before = now - timedelta(seconds=hard_time_limit() + 60)
    # One statement: every read of a synthesis runs it.
    count = Synthesis.objects.stale(
        silent_since=now - timedelta(seconds=stale_after()), started_before=started_before
    ).update(
        status=SynthesisStatus.FAILED,
        finished_at=now,
        error=Case(
            When(
                started_at__lt=started_before,
                then=Value(
                    _("La génération n'a pas abouti dans le délai imparti (processus interrompu).")
                ),
            ),
            default=Value(_lost_worker_error()),
        ),
    )
    if count:
        logger.warning("%d synthesis build(s) lost their worker: marked failed", count)
    return count
