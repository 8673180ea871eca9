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
