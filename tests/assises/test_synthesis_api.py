"""The National synthesis section of API.md: paths, fields, status codes, who may do what."""

import pytest
from rest_framework.test import APIClient

from assises.models import Synthesis, SynthesisStatus
from tests.factories.assises import SynthesisFactory
from tests.factories.contributions import ContributionFactory
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "other_copil", "member", "facilitator", "lead", "national"]
DENIED = {
    "anonymous": 401,
    "participant": 403,
    "other_copil": 403,
    "member": 403,
    "facilitator": 403,
    "lead": 403,
}


def api(roles, role) -> APIClient:
    client = APIClient()
    if roles[role] is not None:
        client.force_authenticate(roles[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_post_syntheses_queues_a_build_for_the_national_team_only(
    roles, role, django_capture_on_commit_callbacks
):
    ContributionFactory(published=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api(roles, role).post("/api/v1/syntheses/")
    if role == "national":
        synthesis = Synthesis.objects.get()
        assert response.status_code == 202
        assert response.json() == {"id": synthesis.pk, "status": "queued", "version": 1}
        assert synthesis.figures["contributions"] == 1
        assert len(callbacks) == 1
    else:
        assert response.status_code == DENIED[role]
        assert Synthesis.objects.count() == 0
        assert callbacks == []


def test_post_then_build_reaches_done_with_a_pdf(roles, django_capture_on_commit_callbacks):
    client = api(roles, "national")
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/syntheses/").json()
    detail = client.get(f"/api/v1/syntheses/{created['id']}/").json()
    assert (detail["status"], detail["progress"], detail["error"]) == ("done", 100, None)
    assert detail["pdf_url"] == f"http://testserver/api/v1/syntheses/{created['id']}/pdf"
    pdf = client.get(f"/api/v1/syntheses/{created['id']}/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_every_version_to_the_national_team_and_published_ones_to_others(roles, role):
    published = SynthesisFactory(public=True, version=1)
    SynthesisFactory(done=True, version=2)
    SynthesisFactory(failed=True, version=3)
    response = api(roles, role).get("/api/v1/syntheses/")
    assert response.status_code == 200
    body = response.json()
    if role == "national":
        assert body["count"] == 3
        assert [item["version"] for item in body["results"]] == [3, 2, 1]
    else:
        assert body["count"] == 1
        assert body["results"] == [
            {
                "id": published.pk,
                "version": published.version,
                "status": "done",
                "progress": 100,
                "created_at": published.created_at.astimezone().isoformat(),
                "started_at": None,
                "finished_at": published.finished_at.astimezone().isoformat(),
                "published": True,
                "published_at": published.published_at.astimezone().isoformat(),
            }
        ]


def test_detail_gives_the_frozen_figures(roles, django_capture_on_commit_callbacks):
    ContributionFactory.create_batch(2, published=True)
    ContributionFactory()  # pending
    PracticeFactory(published=True)
    client = api(roles, "national")
    with django_capture_on_commit_callbacks(execute=False):
        created = client.post("/api/v1/syntheses/").json()
    ContributionFactory(published=True)  # after the request: not in this version
    figures = client.get(f"/api/v1/syntheses/{created['id']}/").json()["figures"]
    assert (figures["contributions"], figures["practices"]) == (2, 1)
    assert (figures["responses"], figures["proposals"]) == (0, 0)
    assert figures["by_territory"]["grand-sud"]["contributions"] == 2
    assert figures["by_territory"]["grand-sud"]["practices"] == 1
    assert sorted(figures["by_territory"]) == sorted(
        [
            "antilles-guyane",
            "bretagne-pays-de-la-loire",
            "grand-est",
            "grand-nord",
            "grand-sud",
            "ile-de-france-centre",
            "reunion-mayotte",
            "rhone-alpes-auvergne",
            "sud-ouest",
        ]
    )
    assert figures["by_theme"]["T1"] == {
        "label": figures["by_theme"]["T1"]["label"],
        "contributions": 2,
        "practices": 1,
        "proposals": 0,
    }
    assert figures["by_actor_category"]["professionnels"] == 2
    assert "practice_list" not in figures and "proposal_list" not in figures


def test_failed_synthesis_shows_its_error(roles):
    synthesis = SynthesisFactory(failed=True)
    detail = api(roles, "national").get(f"/api/v1/syntheses/{synthesis.pk}/").json()
    assert (detail["status"], detail["error"]) == ("failed", "RuntimeError: boom")
    assert detail["pdf_url"] is None
    assert api(roles, "national").get(f"/api/v1/syntheses/{synthesis.pk}/pdf").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_unpublished_synthesis_is_404_to_all_but_the_national_team(roles, role):
    synthesis = SynthesisFactory(done=True)
    detail = api(roles, role).get(f"/api/v1/syntheses/{synthesis.pk}/")
    pdf = api(roles, role).get(f"/api/v1/syntheses/{synthesis.pk}/pdf")
    expected = 200 if role == "national" else 404
    assert (detail.status_code, pdf.status_code) == (expected, expected)


@pytest.mark.parametrize("role", ROLES)
def test_published_synthesis_and_its_pdf_are_public(roles, role):
    synthesis = SynthesisFactory(public=True)
    detail = api(roles, role).get(f"/api/v1/syntheses/{synthesis.pk}/")
    assert detail.status_code == 200
    assert detail.json()["published"] is True
    pdf = api(roles, role).get(f"/api/v1/syntheses/{synthesis.pk}/pdf")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content) == b"%PDF-1.7 test"


@pytest.mark.parametrize("role", ROLES)
def test_publish_is_for_the_national_team_only(roles, role):
    synthesis = SynthesisFactory(done=True)
    response = api(roles, role).post(f"/api/v1/syntheses/{synthesis.pk}/publish/")
    synthesis.refresh_from_db()
    if role == "national":
        assert response.status_code == 200
        assert response.json()["published"] is True
        assert synthesis.published is True
    else:
        # Unpublished: invisible (404) to signed-in users, 401 without credentials.
        assert response.status_code == (401 if role == "anonymous" else 404)
        assert synthesis.published is False


@pytest.mark.parametrize("role", ["participant", "lead"])
def test_publish_of_a_visible_published_synthesis_is_403_to_others(roles, role):
    synthesis = SynthesisFactory(public=True)
    published_at = synthesis.published_at
    response = api(roles, role).post(f"/api/v1/syntheses/{synthesis.pk}/publish/")
    assert response.status_code == 403
    synthesis.refresh_from_db()
    assert synthesis.published_at == published_at


def test_publish_refuses_an_unfinished_synthesis(roles):
    synthesis = SynthesisFactory(status=SynthesisStatus.RUNNING)
    response = api(roles, "national").post(f"/api/v1/syntheses/{synthesis.pk}/publish/")
    assert response.status_code == 400
    assert response.json() == {"status": ["Seule une synthèse terminée peut être publiée."]}
    synthesis.refresh_from_db()
    assert synthesis.published is False


def test_retry_requeues_a_failed_synthesis(roles, django_capture_on_commit_callbacks):
    synthesis = SynthesisFactory(failed=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api(roles, "national").post(f"/api/v1/syntheses/{synthesis.pk}/retry/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["error"]) == ("queued", None)
    assert len(callbacks) == 1


@pytest.mark.parametrize("path", ["abc/", "12x/", "999999/", "999999/pdf", "abc/publish/"])
def test_unknown_or_malformed_ids_are_json_404(roles, path):
    client = api(roles, "national")
    response = client.post(f"/api/v1/syntheses/{path}") if "publish" in path else None
    response = response or client.get(f"/api/v1/syntheses/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count_is_constant(roles, rows, django_assert_num_queries):
    SynthesisFactory.create_batch(rows, public=True)
    client = api(roles, "national")
    with django_assert_num_queries(4):  # stale check, estimate, count, page
        response = client.get("/api/v1/syntheses/?page_size=100")
    assert response.json()["count"] == rows
