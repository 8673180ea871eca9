"""The synthesis built by a real Celery worker on Redis, as in production."""

import io
import os
import signal
import time

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from assises.models import Synthesis
from egts.models import Department, Territory
from tests.factories.contributions import ContributionFactory, ResponseFactory
from tests.factories.egts import national_team_member
from tests.factories.practices import PracticeFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _reference_data():
    """Reference data and assises, reloaded if an earlier transactional test flushed them."""
    from importlib import import_module

    from django.apps import apps

    from assises.models import Assise

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    if Assise.objects.count() != Territory.objects.count():
        import_module("assises.migrations.0002_assises_for_territories").create_assises(apps, None)


def _department_of(slug: str) -> Department:
    return Department.objects.filter(region__territory__slug=slug).order_by("code").first()


def test_worker_builds_the_synthesis_and_its_pdf_holds_the_exact_counts(celery_worker_process):
    slugs = list(Territory.objects.order_by("order").values_list("slug", flat=True))
    for index, slug in enumerate(slugs):
        ContributionFactory.create_batch(index + 1, published=True, department=_department_of(slug))
    ContributionFactory.create_batch(3)  # pending: not counted
    PracticeFactory.create_batch(4, published=True)
    PracticeFactory()  # pending
    ResponseFactory.create_batch(2)
    published_contributions = sum(range(1, len(slugs) + 1))  # 45 for nine territories

    client = APIClient()
    client.force_authenticate(national_team_member())
    created = client.post("/api/v1/syntheses/")
    assert created.status_code == 202
    assert created.json()["status"] == "queued"
    url = f"/api/v1/syntheses/{created.json()['id']}/"

    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        detail = client.get(url).json()
        seen.append(detail["progress"])
        if detail["status"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert detail["status"] == "done", detail.get("error") or celery_worker_process.log()
    assert detail["progress"] == 100
    assert seen == sorted(seen)  # progress only moves forward
    assert "Task assises.build_synthesis[" in celery_worker_process.log()

    pdf = client.get(f"{url}pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for name in Territory.objects.values_list("name", flat=True):
        assert name in text
    assert f"{published_contributions} contributions publiées" in text
    assert "4 pratiques significatives publiées" in text
    assert "2 répondants au questionnaire" in text
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])  # tagged (PDF/UA)
    synthesis = Synthesis.objects.get()
    assert synthesis.figures["contributions"] == published_contributions
    assert synthesis.attempts == 1


def _slow_build_data(monkeypatch) -> None:
    """Enough published practices for the PDF to take several seconds: the synthesis lists
    at most PRACTICES_LISTED of them, raised here for these figures (frozen in this process
    at the request, rendered by the worker)."""
    from django.utils import timezone

    from assises.services import synthesis_figures

    monkeypatch.setattr(synthesis_figures, "PRACTICES_LISTED", 10**6)

    from egts.moderation import ModerationStatus
    from practices.models import Practice

    department = _department_of("grand-sud")
    now = timezone.now()
    Practice.objects.bulk_create(
        [
            Practice(
                is_draft=False,
                status=ModerationStatus.PUBLISHED,
                title=f"Pratique significative n° {i}",
                organisation=f"Structure {i}",
                department=department,
                territory_id=department.region.territory_id,
                actor_category="professionnels",
                contact_email="contact@structure.example",
                submitted_at=now,
                published_at=now,
            )
            for i in range(3000)
        ]
    )


def _inside_weasyprint(synthesis_id: int) -> Synthesis:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        synthesis = Synthesis.objects.get(pk=synthesis_id)
        if synthesis.status == "running" and synthesis.progress >= 40:
            return synthesis
        time.sleep(0.1)
    raise AssertionError(f"never reached the PDF: {synthesis.status} {synthesis.progress}")


def _wait_until(client, url: str, statuses: tuple[str, ...], seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        detail = client.get(url).json()
        if detail["status"] in statuses:
            return detail
        time.sleep(0.3)
    return detail


# The worker beats every second and the sweep gives it 6 s: the production values (10 s,
# 40 s, a sweep every 20 s) are checked in test_synthesis.py; here the same code runs.
FAST_HEARTBEAT = {"SYNTHESIS_HEARTBEAT_SECONDS": "1"}
STALE_AFTER = 6


def test_a_worker_killed_mid_build_is_failed_from_its_heartbeat_and_started_again(
    tmp_path, settings, monkeypatch
):
    """SIGKILL during the PDF: the build stops beating, the sweep (run by every read, and
    by beat) marks it failed within seconds, and "Relancer" builds it on a new worker."""
    from django.utils import timezone

    from tests.fixtures.celery_worker import start_worker

    settings.SYNTHESIS_STALE_AFTER_SECONDS = STALE_AFTER
    _slow_build_data(monkeypatch)
    national = national_team_member()
    client = APIClient()
    client.force_authenticate(national)
    worker = start_worker(tmp_path, extra_env=FAST_HEARTBEAT)
    from egts.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, worker.queue
    try:
        synthesis_id = client.post("/api/v1/syntheses/").json()["id"]
        url = f"/api/v1/syntheses/{synthesis_id}/"
        synthesis = _inside_weasyprint(synthesis_id)
        # The heartbeat moves while WeasyPrint works, without any progress.
        first_beat = synthesis.heartbeat_at
        time.sleep(2.5)
        synthesis.refresh_from_db()
        assert (synthesis.status, synthesis.progress) == ("running", 40)
        assert synthesis.heartbeat_at > first_beat

        worker.kill()
        killed_at = time.monotonic()
        assert client.get(url).json()["status"] == "running"  # not failed before its time
        detail = _wait_until(client, url, ("failed", "done"), 30)
        detected_after = time.monotonic() - killed_at
        assert detail["status"] == "failed", detail
        assert detected_after < STALE_AFTER + 4, detected_after
        assert detail["error"] == (
            "Le processus qui construisait cette version s'est arrêté avant la fin "
            f"(aucun signe de vie depuis {STALE_AFTER} secondes) : rien n'a été publié. "
            "Relancez la génération."
        )
        assert detail["retry_url"] == f"http://testserver{url}retry/"
        synthesis.refresh_from_db()
        assert synthesis.finished_at <= timezone.now()

        # The back-office page says so and offers to start again.
        django_client = Client()
        django_client.force_login(national)
        page = django_client.get(reverse("assises:synthesis-detail", args=[synthesis_id]))
        html = page.content.decode()
        assert "La génération a échoué" in html
        assert "aucun signe de vie depuis" in html
        assert "Relancer la génération" in html

        replacement = start_worker(tmp_path, queue=worker.queue, extra_env=FAST_HEARTBEAT)
        try:
            assert client.post(detail["retry_url"]).status_code == 200
            detail = _wait_until(client, url, ("done", "failed"), 180)
        finally:
            replacement.stop()
        assert (detail["status"], detail["version"], detail["progress"]) == ("done", 1, 100)
        assert detail["retry_url"] is None
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        worker.stop()


def test_a_killed_worker_s_build_is_taken_up_by_the_next_worker_once_visibility_times_out(
    tmp_path, settings, monkeypatch
):
    """The whole worker dies: its message is unacknowledged; a worker started after the
    visibility timeout (4 s here) gets it back and the build resumes by itself, even though
    the sweep had already marked it failed."""
    from tests.fixtures.celery_worker import start_worker

    settings.SYNTHESIS_STALE_AFTER_SECONDS = STALE_AFTER
    _slow_build_data(monkeypatch)
    client = APIClient()
    client.force_authenticate(national_team_member())
    worker = start_worker(tmp_path, extra_env=FAST_HEARTBEAT)
    from egts.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, worker.queue
    try:
        synthesis_id = client.post("/api/v1/syntheses/").json()["id"]
        url = f"/api/v1/syntheses/{synthesis_id}/"
        _inside_weasyprint(synthesis_id)
        worker.kill()
        assert _wait_until(client, url, ("failed",), 30)["status"] == "failed"

        successor = start_worker(
            tmp_path,
            queue=worker.queue,
            extra_env={**FAST_HEARTBEAT, "CELERY_VISIBILITY_TIMEOUT": "4"},
        )
        try:
            detail = _wait_until(client, url, ("done",), 180)
        finally:
            successor.stop()
        assert (detail["status"], detail["progress"], detail["attempts"]) == ("done", 100, 2)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        worker.stop()


def test_a_killed_pool_process_gives_the_build_back_at_once_to_the_next_process(
    tmp_path, monkeypatch
):
    """Prefork, as in production: the OOM killer takes the pool process. The worker rejects
    the task back to the queue (reject_on_worker_lost) and its next process builds it."""
    from tests.fixtures.celery_worker import start_worker

    _slow_build_data(monkeypatch)
    client = APIClient()
    client.force_authenticate(national_team_member())
    worker = start_worker(tmp_path, extra_env=FAST_HEARTBEAT, pool="prefork")
    from egts.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, worker.queue
    try:
        synthesis_id = client.post("/api/v1/syntheses/").json()["id"]
        _inside_weasyprint(synthesis_id)
        (child,) = worker.pool_processes()
        os.kill(child, signal.SIGKILL)
        detail = _wait_until(client, f"/api/v1/syntheses/{synthesis_id}/", ("done",), 180)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        worker.stop()
    assert (detail["status"], detail["progress"], detail["attempts"]) == ("done", 100, 2)
    assert "WorkerLostError" in worker.log()
