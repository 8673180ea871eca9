"""The national synthesis: frozen figures, the build and its failures, who may do what.

Builds run eagerly here (the autouse fixture of tests/conftest.py); the real worker on
Redis is exercised by test_synthesis_celery.py.
"""

import datetime

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assises.models import ProposalStatus, Synthesis, SynthesisStatus
from assises.services import synthesis as service
from assises.services.synthesis import (
    MAX_ATTEMPTS,
    syntheses_fail_stale,
    synthesis_publish,
    synthesis_request,
    synthesis_retry,
)
from assises.tasks import build_synthesis
from egts.models import Department, Theme
from tests.factories.assises import (
    HypothesisFactory,
    HypothesisReviewFactory,
    ProposalFactory,
    SynthesisFactory,
    territory,
)
from tests.factories.contributions import (
    ContributionFactory,
    QuestionnaireFactory,
    ResponseFactory,
)
from tests.factories.egts import national_team_member
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "other_copil", "member", "facilitator", "lead", "national"]


def sud_ouest_department() -> Department:
    return Department.objects.filter(region__territory__slug="sud-ouest").order_by("code").first()


@pytest.fixture
def data():
    """Grand Sud: 3 published contributions (one offline), 1 pending; Sud-Ouest: 1 published."""
    t2 = Theme.objects.get(code="T2")
    ContributionFactory.create_batch(2, published=True)
    ContributionFactory(published=True, source="paper", actor_category="usagers", themes=[t2])
    ContributionFactory()  # pending: never counted
    ContributionFactory(published=True, department=sud_ouest_department())
    ContributionFactory(published=True, national=True)
    PracticeFactory.create_batch(2, published=True)
    PracticeFactory()  # pending
    ResponseFactory.create_batch(3)
    ResponseFactory(actor_category="usagers")
    ProposalFactory(status=ProposalStatus.FORWARDED, title="Décloisonner les formations")
    ProposalFactory(
        status=ProposalStatus.FORWARDED,
        title="Décloisonner les formations",
        territory=sud_ouest_department().region.territory,
    )
    ProposalFactory()  # draft: not forwarded
    hypothesis = HypothesisFactory(statement="Les usagers sont peu associés")
    HypothesisReviewFactory(hypothesis=hypothesis, verdict="refined")


def request_and_build(user, capture):
    with capture(execute=True):
        synthesis = synthesis_request(requested_by=user)
    synthesis.refresh_from_db()
    return synthesis


def test_request_freezes_exact_figures_aggregated_in_sql(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(55):
        synthesis = synthesis_request(requested_by=national_team_member())
    f = synthesis.figures
    assert (f["contributions"], f["practices"], f["responses"], f["proposals"]) == (5, 2, 4, 2)
    assert f["by_territory"]["grand-sud"] == {
        "name": "Grand Sud",
        "contributions": 3,
        "contributions_online": 2,
        "contributions_offline": 1,
        "practices": 2,
        "responses": 4,
        "proposals": 1,
        "working_groups": 0,
        "meetings": 0,
    }
    assert f["by_territory"]["sud-ouest"]["contributions"] == 1
    assert f["by_territory"]["sud-ouest"]["proposals"] == 1
    assert f["by_territory"]["grand-est"]["contributions"] == 0
    assert len(f["by_territory"]) == 9
    assert f["without_territory"] == {
        "contributions": 1,
        "contributions_online": 1,
        "contributions_offline": 0,
        "practices": 0,
        "responses": 0,
    }
    assert f["by_theme"]["T1"]["contributions"] == 4
    assert f["by_theme"]["T2"]["contributions"] == 1
    assert f["by_theme"]["T1"]["proposals"] == 2
    assert f["by_actor_category"]["professionnels"] == 4
    assert f["by_actor_category"]["usagers"] == 1
    assert f["responses_by_actor_category"]["usagers"] == 1
    assert f["by_source"]["online"] == 4
    assert f["by_source"]["paper"] == 1
    assert f["theme_policy"]["T1"]["P1"]["proposals"] == 2
    assert f["convergences"] == [
        {
            "theme": "T1",
            "title": "Décloisonner les formations",
            "territories": ["grand-sud", "sud-ouest"],
            "proposal_ids": sorted(f["convergences"][0]["proposal_ids"]),
        }
    ]
    assert len(f["convergences"][0]["proposal_ids"]) == 2
    assert f["hypotheses"][0]["verdicts"] == {"grand-sud": "refined"}
    assert len(f["practice_list"]) == 2
    assert synthesis.version == 1
    assert synthesis.status == SynthesisStatus.QUEUED


def test_figures_query_count_does_not_grow_with_rows():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assises.services.synthesis_figures import synthesis_figures

    questionnaire = QuestionnaireFactory()
    ContributionFactory(published=True)
    PracticeFactory(published=True)
    ResponseFactory(questionnaire=questionnaire)
    ProposalFactory(status=ProposalStatus.FORWARDED)
    with CaptureQueriesContext(connection) as one_row:
        small = synthesis_figures()
    ContributionFactory.create_batch(20, published=True)
    PracticeFactory.create_batch(5, published=True)
    ResponseFactory.create_batch(20, questionnaire=questionnaire)
    ProposalFactory.create_batch(10, status=ProposalStatus.FORWARDED)
    with CaptureQueriesContext(connection) as many_rows:
        large = synthesis_figures()
    assert len(many_rows) == len(one_row)
    assert (small["contributions"], large["contributions"]) == (1, 21)
    assert (small["proposals"], large["proposals"]) == (1, 11)


def test_build_is_dispatched_after_commit_and_renders_pdf_and_html(
    data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        synthesis = synthesis_request(requested_by=national_team_member())
    assert len(callbacks) == 1
    synthesis.refresh_from_db()
    assert synthesis.status == SynthesisStatus.QUEUED  # nothing ran before the commit
    callbacks[0]()
    synthesis.refresh_from_db()
    assert synthesis.status == SynthesisStatus.DONE
    assert synthesis.progress == 100
    assert synthesis.attempts == 1
    assert synthesis.started_at is not None and synthesis.finished_at is not None
    assert synthesis.pdf.name == "assises/syntheses/synthese-nationale-v1.pdf"
    assert synthesis.pdf.read(5) == b"%PDF-"
    assert "Grand Sud" in synthesis.html
    assert "Décloisonner les formations" in synthesis.html
    assert 'role="img"' in synthesis.html and "<desc" in synthesis.html


def test_versions_are_numbered_and_built_from_their_own_snapshot(
    data, django_capture_on_commit_callbacks
):
    user = national_team_member()
    first = request_and_build(user, django_capture_on_commit_callbacks)
    ContributionFactory.create_batch(2, published=True)
    second = request_and_build(user, django_capture_on_commit_callbacks)
    assert (first.version, second.version) == (1, 2)
    assert (first.figures["contributions"], second.figures["contributions"]) == (5, 7)
    # Rebuilding version 1 later gives the same content: it reads only its frozen figures.
    html = first.html
    first.status = SynthesisStatus.RUNNING
    service.synthesis_build(synthesis=first)
    assert first.html == html


def test_a_build_that_raises_ends_failed_with_its_error_then_a_retry_succeeds(
    data, monkeypatch, django_capture_on_commit_callbacks, client
):
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint n'a pas pu lire la police")

    monkeypatch.setattr(service, "render_pdf", broken)
    user = national_team_member()
    synthesis = request_and_build(user, django_capture_on_commit_callbacks)
    assert synthesis.status == SynthesisStatus.FAILED
    assert synthesis.error == "RuntimeError: WeasyPrint n'a pas pu lire la police"
    assert synthesis.finished_at is not None
    assert not synthesis.pdf

    client.force_login(user)
    page = client.get(reverse("assises:synthesis-detail", args=[synthesis.pk]))
    assert "WeasyPrint n&#x27;a pas pu lire la police" in page.content.decode()
    assert "Relancer la génération" in page.content.decode()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assises:synthesis-retry", args=[synthesis.pk]))
    assert response.status_code == 302
    synthesis.refresh_from_db()
    assert synthesis.status == SynthesisStatus.DONE
    assert synthesis.error == ""
    assert synthesis.version == 1
    assert synthesis.pdf.read(5) == b"%PDF-"


def test_a_build_past_its_soft_time_limit_ends_failed(
    data, monkeypatch, django_capture_on_commit_callbacks
):
    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(service, "render_pdf", slow)
    synthesis = request_and_build(national_team_member(), django_capture_on_commit_callbacks)
    assert synthesis.status == SynthesisStatus.FAILED
    assert synthesis.error == (
        "La génération a dépassé le délai maximal de "
        f"{settings.CELERY_TASK_SOFT_TIME_LIMIT} secondes."
    )


def test_only_a_failed_synthesis_can_be_retried():
    synthesis = SynthesisFactory(done=True)
    with pytest.raises(ValidationError):
        synthesis_retry(synthesis=synthesis)
    synthesis.refresh_from_db()
    assert synthesis.status == SynthesisStatus.DONE


def test_only_a_finished_synthesis_can_be_published():
    synthesis = SynthesisFactory(failed=True)
    with pytest.raises(ValidationError):
        synthesis_publish(synthesis=synthesis, published_by=national_team_member())
    synthesis.refresh_from_db()
    assert synthesis.published is False


def test_running_synthesis_past_the_hard_time_limit_is_marked_failed():
    now = timezone.now()
    limit = settings.CELERY_TASK_TIME_LIMIT
    stale = SynthesisFactory(
        status=SynthesisStatus.RUNNING, started_at=now - datetime.timedelta(seconds=limit + 120)
    )
    recent = SynthesisFactory(
        status=SynthesisStatus.RUNNING, started_at=now - datetime.timedelta(seconds=10)
    )
    assert syntheses_fail_stale(now=now) == 1
    stale.refresh_from_db()
    recent.refresh_from_db()
    assert stale.status == SynthesisStatus.FAILED
    assert stale.error == (
        "La génération n'a pas abouti dans le délai imparti (processus interrompu)."
    )
    assert recent.status == SynthesisStatus.RUNNING


def test_stale_running_synthesis_is_marked_failed_when_read(client):
    stale = SynthesisFactory(
        status=SynthesisStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(national_team_member())
    response = client.get(reverse("assises:synthesis-status", args=[stale.pk]))
    assert response.json()["status"] == "failed"
    assert response.json()["finished"] is True


def test_redelivered_task_gives_up_after_max_attempts():
    """A worker killed on every attempt: the redelivered message ends the synthesis failed."""
    synthesis = SynthesisFactory(status=SynthesisStatus.RUNNING, attempts=MAX_ATTEMPTS)
    assert build_synthesis(synthesis.pk) == "skipped"
    synthesis.refresh_from_db()
    assert synthesis.status == SynthesisStatus.FAILED
    assert synthesis.error == (
        f"La génération a été interrompue {MAX_ATTEMPTS} fois (processus arrêté) ; relancez-la."
    )


def test_redelivered_task_of_a_running_synthesis_starts_over(data):
    """The message of a killed worker comes back: the next attempt builds it."""
    synthesis = synthesis_request(requested_by=national_team_member())
    Synthesis.objects.filter(pk=synthesis.pk).update(status=SynthesisStatus.RUNNING, attempts=1)
    assert build_synthesis(synthesis.pk) == "done"
    synthesis.refresh_from_db()
    assert (synthesis.status, synthesis.attempts) == (SynthesisStatus.DONE, 2)


def test_finished_synthesis_is_not_built_again():
    synthesis = SynthesisFactory(done=True)
    assert build_synthesis(synthesis.pk) == "skipped"
    assert build_synthesis(999_999) == "skipped"


def test_build_task_has_time_limits_and_survives_a_killed_worker():
    assert build_synthesis.acks_late is True
    assert build_synthesis.reject_on_worker_lost is True
    assert build_synthesis.soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert build_synthesis.time_limit == settings.CELERY_TASK_TIME_LIMIT
    from egts.celery import app

    app.loader.import_default_modules()
    assert app.conf.beat_schedule["assises.fail-stale-syntheses"]["task"] == (
        "assises.fail_stale_syntheses"
    )


def test_a_dead_build_is_told_from_its_heartbeat_within_a_minute_by_default():
    from egts.celery import app

    app.loader.import_default_modules()
    every = app.conf.beat_schedule["assises.fail-stale-syntheses"]["schedule"]
    assert every == settings.SYNTHESIS_STALE_CHECK_SECONDS == 20
    assert settings.SYNTHESIS_STALE_AFTER_SECONDS == 40
    # Worst case: silent for the whole window, just missed by one sweep.
    assert settings.SYNTHESIS_STALE_AFTER_SECONDS + every <= 60
    # Several beats fit in the window: one late beat does not fail a live build.
    assert settings.SYNTHESIS_HEARTBEAT_SECONDS * 3 < settings.SYNTHESIS_STALE_AFTER_SECONDS


def test_the_broker_gives_a_dead_worker_s_task_back_just_after_the_longest_task():
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout == settings.CELERY_TASK_TIME_LIMIT + 60 == 720
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_a_silent_build_is_failed_and_a_beating_one_is_left_running():
    now = timezone.now()
    silent = SynthesisFactory(
        status=SynthesisStatus.RUNNING,
        started_at=now - datetime.timedelta(seconds=120),
        heartbeat_at=now - datetime.timedelta(seconds=41),
    )
    beating = SynthesisFactory(
        status=SynthesisStatus.RUNNING,
        started_at=now - datetime.timedelta(seconds=300),
        heartbeat_at=now - datetime.timedelta(seconds=5),
    )
    assert syntheses_fail_stale(now=now) == 1
    silent.refresh_from_db()
    beating.refresh_from_db()
    assert (silent.status, silent.finished_at) == (SynthesisStatus.FAILED, now)
    assert silent.error == (
        "Le processus qui construisait cette version s'est arrêté avant la fin "
        "(aucun signe de vie depuis 40 secondes) : rien n'a été publié. Relancez la génération."
    )
    assert beating.status == SynthesisStatus.RUNNING


def test_another_message_for_a_beating_build_is_dropped():
    from assises.services.synthesis import synthesis_start

    synthesis = SynthesisFactory(
        status=SynthesisStatus.RUNNING,
        attempts=1,
        task_id="first",
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    assert synthesis_start(synthesis_id=synthesis.pk, task_id="duplicate") is None
    synthesis.refresh_from_db()
    assert (synthesis.status, synthesis.attempts, synthesis.task_id) == ("running", 1, "first")


def test_the_dead_worker_s_message_given_back_resumes_the_build_even_once_failed(data):
    """The sweep failed it; then the broker hands the same message to a new worker."""
    from assises.services.synthesis import synthesis_start

    synthesis = SynthesisFactory(
        status=SynthesisStatus.FAILED, attempts=1, task_id="lost", error="aucun signe de vie"
    )
    assert synthesis_start(synthesis_id=synthesis.pk, task_id="other") is None
    resumed = synthesis_start(synthesis_id=synthesis.pk, task_id="lost")
    assert resumed is not None
    resumed.refresh_from_db()
    assert (resumed.status, resumed.attempts, resumed.error, resumed.finished_at) == (
        "running",
        2,
        "",
        None,
    )


def test_retry_forgets_the_old_message_so_it_cannot_run_the_build_twice(
    django_capture_on_commit_callbacks,
):
    from assises.services.synthesis import synthesis_start

    synthesis = SynthesisFactory(failed=True, attempts=1, task_id="lost")
    with django_capture_on_commit_callbacks(execute=False):
        synthesis_retry(synthesis=synthesis)
    started = synthesis_start(synthesis_id=synthesis.pk, task_id="new")
    assert started is not None and started.task_id == "new"
    assert synthesis_start(synthesis_id=synthesis.pk, task_id="lost") is None


# The thread writes through its own connection: the row must be committed for it to see it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_moves_while_the_block_runs():
    import time

    from assises.services.synthesis import synthesis_heartbeat

    synthesis = SynthesisFactory(status=SynthesisStatus.RUNNING, heartbeat_at=None)
    with synthesis_heartbeat(synthesis_id=synthesis.pk, every=0.2):
        time.sleep(1)
    synthesis.refresh_from_db()
    assert synthesis.heartbeat_at is not None
    beat = synthesis.heartbeat_at
    time.sleep(0.5)
    synthesis.refresh_from_db()
    assert synthesis.heartbeat_at == beat  # the thread stopped with the block


# ---- Role matrix (HTML back-office and public pages) -----------------------------------


def _client(client, roles, role):
    if roles[role] is not None:
        client.force_login(roles[role])
    return client


def _denied(response, role) -> bool:
    if role == "anonymous":
        return response.status_code == 302 and "/compte/login/" in response["Location"]
    return response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_request_synthesis_role_matrix(client, roles, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _client(client, roles, role).post(reverse("assises:synthesis-request"))
    if role == "national":
        synthesis = Synthesis.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("assises:synthesis-detail", args=[synthesis.pk])
        assert len(callbacks) == 1
    else:
        assert _denied(response, role)
        assert Synthesis.objects.count() == 0
        assert callbacks == []


@pytest.mark.parametrize("role", ROLES)
def test_publish_synthesis_role_matrix(client, roles, role):
    synthesis = SynthesisFactory(done=True)
    response = _client(client, roles, role).post(
        reverse("assises:synthesis-publish", args=[synthesis.pk])
    )
    synthesis.refresh_from_db()
    if role == "national":
        assert response.status_code == 302
        assert synthesis.published is True
        assert synthesis.published_at is not None
    else:
        assert _denied(response, role)
        assert synthesis.published is False
        assert synthesis.published_at is None


@pytest.mark.parametrize("role", ROLES)
def test_retry_synthesis_role_matrix(client, roles, role, django_capture_on_commit_callbacks):
    synthesis = SynthesisFactory(failed=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _client(client, roles, role).post(
            reverse("assises:synthesis-retry", args=[synthesis.pk])
        )
    synthesis.refresh_from_db()
    if role == "national":
        assert response.status_code == 302
        assert synthesis.status == SynthesisStatus.QUEUED
        assert len(callbacks) == 1
    else:
        assert _denied(response, role)
        assert synthesis.status == SynthesisStatus.FAILED
        assert synthesis.error == "RuntimeError: boom"
        assert callbacks == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name", ["assises:syntheses", "assises:synthesis-detail", "assises:synthesis-pdf"]
)
def test_back_office_synthesis_pages_role_matrix(client, roles, role, name):
    synthesis = SynthesisFactory(done=True)
    args = [] if name == "assises:syntheses" else [synthesis.pk]
    response = _client(client, roles, role).get(reverse(name, args=args))
    if role == "national":
        assert response.status_code == 200
    else:
        assert _denied(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_published_synthesis_is_public_and_unpublished_is_not(client, roles, role):
    published = SynthesisFactory(public=True)
    draft = SynthesisFactory(done=True)
    client = _client(client, roles, role)
    listing = client.get(reverse("synthesis-public-list"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert f"Version {published.version}, publiée le" in body
    assert f"Version {draft.version}," not in body
    page = client.get(reverse("synthesis-public-detail", args=[published.version]))
    assert page.status_code == 200
    assert "Synthèse publiée" in page.content.decode()
    pdf = client.get(reverse("synthesis-public-pdf", args=[published.version]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert client.get(reverse("synthesis-public-detail", args=[draft.version])).status_code == 404
    assert client.get(reverse("synthesis-public-pdf", args=[draft.version])).status_code == 404


def test_national_dashboard_and_sitemap_link_to_the_synthesis(client, roles):
    client.force_login(roles["national"])
    home = client.get(reverse("assises:home")).content.decode()
    assert reverse("assises:syntheses") in home
    sitemap = client.get(reverse("footer-sitemap")).content.decode()
    assert reverse("synthesis-public-list") in sitemap


def test_progress_bar_is_accessible_and_polls_without_inline_script(client, roles):
    synthesis = SynthesisFactory(status=SynthesisStatus.RUNNING, progress=40)
    client.force_login(roles["national"])
    html = client.get(reverse("assises:synthesis-detail", args=[synthesis.pk])).content.decode()
    assert '<progress id="synthesis-progress-bar" class="egts-progress" max="100" value="40">' in (
        html
    )
    assert '<label class="fr-label" for="synthesis-progress-bar">' in html
    assert 'role="status" aria-live="polite"' in html
    assert 'src="/static/js/synthesis.js"' in html
    assert '<meta http-equiv="refresh" content="5">' in html  # inside <noscript>
    status = client.get(reverse("assises:synthesis-status", args=[synthesis.pk])).json()
    assert status == {
        "status": "running",
        "label": "En cours",
        "progress": 40,
        "finished": False,
        "message": f"Synthèse version {synthesis.version} : En cours, 40 %",
    }


@pytest.mark.parametrize("rows", [1, 50])
def test_synthesis_list_page_query_count_is_constant(
    client, roles, rows, django_assert_num_queries
):
    SynthesisFactory.create_batch(rows, done=True)
    client.force_login(roles["national"])
    client.get(reverse("assises:syntheses"))  # warm the session and the roles cache
    with django_assert_num_queries(QUERIES_LIST_PAGE):
        response = client.get(reverse("assises:syntheses"))
    assert response.status_code == 200
    assert response.content.decode().count("/espace/synthese/") >= rows


QUERIES_LIST_PAGE = 4


def test_questionnaire_results_are_charted_with_their_data_table(
    django_capture_on_commit_callbacks,
):
    from contributions.models import Answer, QuestionKind
    from tests.factories.contributions import QuestionFactory

    questionnaire = QuestionnaireFactory(title="Vos attentes")
    question = QuestionFactory(
        questionnaire=questionnaire, kind=QuestionKind.SINGLE, label="Êtes-vous d'accord ?"
    )
    yes = question.choices.get(label="Oui")
    no = question.choices.get(label="Non")
    for choice, count in ((yes, 6), (no, 2)):
        for _ in range(count):
            Answer.objects.create(
                response=ResponseFactory(questionnaire=questionnaire),
                question=question,
                choice=choice,
            )
    synthesis = request_and_build(national_team_member(), django_capture_on_commit_callbacks)
    results = synthesis.figures["questionnaires"][0]
    assert (results["title"], results["responses"]) == ("Vos attentes", 8)
    # The synthesis is public: counts under five are suppressed, not shown as 0 or 2.
    assert [(c["label"], c["count"]) for c in results["questions"][0]["choices"]] == [
        ("Oui", 6),
        ("Non", None),
        ("Peut-être", None),
    ]
    html = synthesis.html
    assert "Données du graphique : Êtes-vous d&#x27;accord ?" in html
    assert '<th scope="col">Choix</th>' in html
    assert '<desc id="chart-q0-0-desc">Oui : 6; Non : &lt; 5; Peut-être : &lt; 5</desc>' in html


def test_a_synthesis_of_a_platform_with_no_participation_yet_builds_and_says_so(
    django_capture_on_commit_callbacks,
):
    """The first request may come before anyone took part: zeros, not a failed build."""
    from pypdf import PdfReader

    with django_capture_on_commit_callbacks(execute=True):
        synthesis = synthesis_request(requested_by=national_team_member())
    synthesis.refresh_from_db()
    assert (synthesis.status, synthesis.progress, synthesis.error) == (
        SynthesisStatus.DONE,
        100,
        "",
    )
    figures = synthesis.figures
    assert (figures["contributions"], figures["practices"], figures["responses"]) == (0, 0, 0)
    assert figures["proposals"] == 0
    with synthesis.pdf.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "Grand Sud" in text and "Réunion" in text


def test_the_pdf_lists_a_bounded_number_of_proposals_and_practices_and_says_so(
    monkeypatch, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Time and memory must not grow with the practices and proposals: the document lists
    the first ones with the totals, the catalogue and the CSV annex hold the rest."""
    from assises.services import synthesis_figures

    monkeypatch.setattr(synthesis_figures, "PROPOSALS_PER_THEME", 2)
    monkeypatch.setattr(synthesis_figures, "PRACTICES_LISTED", 3)
    for rank in range(1, 6):
        ProposalFactory(status=ProposalStatus.FORWARDED, rank=rank, title=f"Levier {rank}")
    PracticeFactory.create_batch(5, published=True)
    synthesis = request_and_build(national_team_member(), django_capture_on_commit_callbacks)
    figures = synthesis.figures
    assert [p["title"] for p in figures["proposal_list"]] == ["Levier 1", "Levier 2"]
    assert len(figures["practice_list"]) == 3
    assert (figures["proposals"], figures["practices"]) == (5, 5)
    text = " ".join(synthesis.html.split())
    assert "les 2 premières propositions des territoires" in text and "sur 5 transmises" in text
    assert "Les 3 pratiques mises en avant ou les plus récentes, sur 5 publiées" in text

    # Ten times the rows, the same queries.
    for rank in range(6, 51):
        ProposalFactory(status=ProposalStatus.FORWARDED, rank=rank)
    PracticeFactory.create_batch(45, published=True)
    with django_assert_max_num_queries(50):
        figures = synthesis_figures.synthesis_figures()
    assert len(figures["proposal_list"]) == 2 and len(figures["practice_list"]) == 3


def test_convergences_are_found_in_sql_across_territories(django_capture_on_commit_callbacks):
    from assises.services.synthesis_figures import synthesis_figures

    ProposalFactory(status=ProposalStatus.FORWARDED, title="Un référent unique")
    ProposalFactory(
        status=ProposalStatus.FORWARDED,
        title="  UN référent UNIQUE",
        territory=territory("sud-ouest"),
    )
    ProposalFactory(status=ProposalStatus.FORWARDED, title="Autre chose")
    [convergence] = synthesis_figures()["convergences"]
    assert convergence["territories"] == ["grand-sud", "sud-ouest"]
    assert len(convergence["proposal_ids"]) == 2
