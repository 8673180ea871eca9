"""The synthesis built by a real Celery worker on Redis, as in production."""

import io
import time

import pytest
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


def test_a_worker_killed_mid_build_leaves_a_synthesis_marked_failed_then_retried(
    tmp_path, celery_worker_process
):
    """SIGKILL during the PDF: the row stays `running` until the safeguard marks it failed
    (readable error), and a retry on a fresh worker builds the same version."""
    import datetime

    from django.utils import timezone

    from assises.services.synthesis import syntheses_fail_stale
    from egts.moderation import ModerationStatus
    from practices.models import Practice
    from tests.fixtures.celery_worker import start_worker

    department = _department_of("grand-sud")
    now = timezone.now()
    # Enough published practices for the PDF to take a few seconds.
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
    client = APIClient()
    client.force_authenticate(national_team_member())
    synthesis_id = client.post("/api/v1/syntheses/").json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        synthesis = Synthesis.objects.get(pk=synthesis_id)
        if synthesis.status == "running" and synthesis.progress >= 40:
            break
        time.sleep(0.1)
    assert (synthesis.status, synthesis.progress) == ("running", 40)  # inside WeasyPrint
    celery_worker_process.kill()
    time.sleep(1)
    synthesis.refresh_from_db()
    assert synthesis.status == "running"  # nobody is left to say otherwise…

    # …until the safeguard (beat, or any read) passes the hard time limit.
    later = timezone.now() + datetime.timedelta(hours=1)
    assert syntheses_fail_stale(now=later) == 1
    detail = client.get(f"/api/v1/syntheses/{synthesis_id}/").json()
    assert detail["status"] == "failed"
    assert detail["error"] == (
        "La génération n'a pas abouti dans le délai imparti (processus interrompu)."
    )

    replacement = start_worker(tmp_path, queue=celery_worker_process.queue)
    try:
        assert client.post(f"/api/v1/syntheses/{synthesis_id}/retry/").status_code == 200
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            detail = client.get(f"/api/v1/syntheses/{synthesis_id}/").json()
            if detail["status"] in ("done", "failed"):
                break
            time.sleep(0.3)
    finally:
        replacement.stop()
    assert (detail["status"], detail["version"], detail["progress"]) == ("done", 1, 100)
