"""With the task queue (Redis) down, a synthesis request is refused clearly and nothing is
recorded; a queue lost between the check and the commit leaves a failed, retryable version."""

import html

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from assises.models import Synthesis, SynthesisStatus
from assises.services import synthesis as service
from assises.tasks import build_synthesis
from tests.factories.assises import SynthesisFactory
from tests.factories.egts import national_team_member

pytestmark = pytest.mark.django_db

REFUSED = (
    "Le service qui construit les synthèses est momentanément injoignable : "
    "rien n'a été enregistré. Réessayez dans quelques minutes."
)


@pytest.fixture
def queue_down(monkeypatch):
    monkeypatch.setattr(service, "check_broker", lambda: "down")


def test_api_request_answers_503_with_retry_after_and_records_nothing(client, queue_down):
    client.force_login(national_team_member())
    response = client.post("/api/v1/syntheses/")
    assert response.status_code == 503
    assert response.json() == {"detail": REFUSED}
    assert response["Retry-After"] == "60"
    assert Synthesis.objects.count() == 0


def test_back_office_request_shows_the_message_and_records_nothing(client, queue_down):
    client.force_login(national_team_member())
    response = client.post(reverse("assises:synthesis-request"))
    assert response.status_code == 302
    assert response["Location"] == reverse("assises:syntheses")
    assert Synthesis.objects.count() == 0
    page = client.get(response["Location"])
    assert REFUSED in html.unescape(page.content.decode())


def test_retry_with_the_queue_down_keeps_the_failed_version_as_it_was(client, queue_down):
    failed = SynthesisFactory(status=SynthesisStatus.FAILED, error="Police manquante")
    client.force_login(national_team_member())
    response = client.post(f"/api/v1/syntheses/{failed.pk}/retry/")
    assert response.status_code == 503
    failed.refresh_from_db()
    assert (failed.status, failed.error) == (SynthesisStatus.FAILED, "Police manquante")


def test_queue_lost_after_the_check_leaves_a_failed_version_that_can_be_retried(
    monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(build_synthesis, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        synthesis = service.synthesis_request(requested_by=national_team_member())
    synthesis.refresh_from_db()
    assert synthesis.status == SynthesisStatus.FAILED
    assert synthesis.error == (
        "La demande n'a pas pu être transmise au service de construction "
        "(file de traitement injoignable) ; relancez-la."
    )
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        service.synthesis_retry(synthesis=synthesis)
    synthesis.refresh_from_db()
    assert (synthesis.status, synthesis.progress) == (SynthesisStatus.DONE, 100)
