"""Runs on real Celery workers and Redis, as in production: two workers share one run's
chunks; a worker killed mid-run leaves the run to the stale sweep, and a retry resumes it
where it stopped, keeping the chunks already done."""

import datetime
import time

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from analysis.models import AnalysisChunk, AnalysisRun, TopicMembership
from analysis.services.runs import analyses_fail_stale
from egts.models import Territory
from tests.factories.analysis import publish_texts
from tests.factories.egts import national_team_member
from tests.fixtures.celery_worker import start_worker

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _reference_data():
    """Reference data, reloaded if an earlier transactional test flushed it."""
    from importlib import import_module

    from django.apps import apps

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def workers(tmp_path):
    """Starts workers on one queue of their own and routes this test's tasks there."""
    import uuid

    from egts.celery import app

    queue = f"test-analysis-{uuid.uuid4().hex[:8]}"
    started = []
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue

    def start():
        worker = start_worker(tmp_path / str(len(started)), queue=queue)
        started.append(worker)
        return worker

    (tmp_path / "0").mkdir()
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    yield start
    app.conf.task_always_eager, app.conf.task_default_queue = previous
    for worker in started:
        worker.stop()


def wait_for(run_id: int, predicate, timeout: float = 300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = AnalysisRun.objects.get(pk=run_id)
        if predicate(run):
            return run
        time.sleep(0.05)
    raise AssertionError(f"timed out: {run.status} {run.progress} {run.error}")


def test_two_workers_share_the_chunks_of_one_run(workers, settings):
    settings.ANALYSIS_CHUNK_SIZE = 3
    published = publish_texts(per_topic=9)
    first, second = workers(), workers()
    client = APIClient()
    client.force_authenticate(national_team_member())

    run_id = client.post("/api/v1/analyses/", {}, format="json").json()["id"]
    seen = []

    def finished(run):
        seen.append(run.progress)
        return run.is_finished

    run = wait_for(run_id, finished)

    assert (run.status, run.progress, run.error) == ("done", 100, ""), first.log() + second.log()
    assert seen == sorted(seen)  # progress only moves forward
    assert any(30 <= p < 100 for p in seen)
    chunks = AnalysisChunk.objects.filter(run=run)
    assert chunks.count() == 12
    assert set(chunks.values_list("status", "attempts").distinct()) == {("done", 1)}
    # Both workers took chunks: their processes differ.
    by_worker = {
        w: chunks.filter(worker=w).count() for w in chunks.values_list("worker", flat=True)
    }
    assert len(by_worker) == 2, by_worker
    assert all(n >= 1 for n in by_worker.values())
    for worker in (first, second):
        assert "analysis.assign_chunk[" in worker.log()
    # Every document exactly once.
    assert sorted(
        TopicMembership.objects.filter(run=run).values_list("contribution_id", flat=True)
    ) == sorted(c.pk for c in published)
    assert client.get(f"/api/v1/analyses/{run_id}/").json()["documents"] == len(published)


def _someone_waits_for_a_lock() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        # Activity is read once per transaction unless its snapshot is dropped.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_run_leaves_it_to_the_sweep_and_a_retry_resumes_it(
    workers, settings, tmp_path
):
    """The test holds a lock on one chunk so that the worker is surely inside it when it
    is killed (SIGKILL, as the OOM killer does): the timing is the test's, not chance's."""
    from django.db import transaction

    settings.ANALYSIS_CHUNK_SIZE = 1
    published = publish_texts(per_topic=10)
    doomed = workers()
    client = APIClient()
    client.force_authenticate(national_team_member())
    run_id = client.post("/api/v1/analyses/", {}, format="json").json()["id"]
    run = wait_for(run_id, lambda run: run.chunks_total > 0 or run.is_finished)
    assert run.chunks_total == 40

    with transaction.atomic():
        held = AnalysisChunk.objects.select_for_update().get(run=run, index=20)
        deadline = time.monotonic() + 120
        while not _someone_waits_for_a_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _someone_waits_for_a_lock(), doomed.log()
        doomed.kill()
    run.refresh_from_db()
    assert (run.status, run.chunks_done) == ("running", 20)
    done_before = dict(
        AnalysisChunk.objects.filter(run=run, status="done").values_list("pk", "finished_at")
    )
    assert len(done_before) == 20

    # Another test's worker, on a queue of its own, restores every unacknowledged message
    # older than its 1-second visibility timeout: it must not find this test's (each queue
    # keeps its own keys, tests/fixtures/worker_settings.py). The suite did run such a test
    # in parallel, and the killed worker's chunk came back here.
    (tmp_path / "stranger").mkdir()
    stranger = start_worker(tmp_path / "stranger", extra_env={"CELERY_VISIBILITY_TIMEOUT": "1"})
    time.sleep(3)
    stranger.stop()

    # A second worker takes the chunks still in the queue; the one the killed worker held
    # stays unacknowledged, so the run waits, `running`…
    workers()
    run = wait_for(run_id, lambda run: run.chunks_done >= 39)
    time.sleep(2)
    run.refresh_from_db()
    assert (run.status, run.chunks_done) == ("running", 39)
    held.refresh_from_db()
    assert (held.status, held.attempts) == ("pending", 0)

    # …until the sweep sees its workers silent, and says so readably.
    later = timezone.now() + datetime.timedelta(hours=1)
    assert analyses_fail_stale(now=later) == 1
    detail = client.get(f"/api/v1/analyses/{run_id}/").json()
    assert detail["status"] == "failed"
    assert detail["error"].startswith("L'analyse n'a plus donné signe de vie")

    # The retry resumes: only the missing chunk is done; the others are kept as they were.
    assert client.post(f"/api/v1/analyses/{run_id}/retry/").status_code == 200
    run = wait_for(run_id, lambda run: run.is_finished)
    assert (run.status, run.progress) == ("done", 100), run.error
    kept = dict(
        AnalysisChunk.objects.filter(pk__in=list(done_before)).values_list("pk", "finished_at")
    )
    assert kept == done_before
    held.refresh_from_db()
    assert (held.status, held.attempts) == ("done", 1)
    assert sorted(
        TopicMembership.objects.filter(run=run).values_list("contribution_id", flat=True)
    ) == sorted(c.pk for c in published)
