"""Services around runs: never stuck `running` (heartbeat and stale sweep), a queue that is
down (a real unreachable Redis), and the reads the reports build on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from analysis.models import AnalysisRun, RunStatus
from analysis.services.reports import (
    latest_done_run,
    suppressed,
    topic_contribution_ids,
    topics_for_report,
)
from analysis.services.runs import (
    AnalysisQueueUnavailable,
    analyses_fail_stale,
    analysis_publish,
    analysis_request,
    analysis_retry,
)
from egts.models import Territory, Theme
from tests.factories.analysis import (
    AnalysisRunFactory,
    QuoteFactory,
    TopicFactory,
    add_members,
    share,
)
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import national_team_member

pytestmark = pytest.mark.django_db


# --- Never stuck running -----------------------------------------------------------------


def _running(now, silent_for: int) -> AnalysisRun:
    return AnalysisRunFactory(
        running=True, heartbeat_at=now - datetime.timedelta(seconds=silent_for)
    )


def test_the_sweep_fails_a_run_whose_workers_went_silent(settings):
    settings.ANALYSIS_STALE_SECONDS = 900
    now = timezone.now()
    silent = _running(now, 901)
    done = AnalysisRunFactory(heartbeat_at=now - datetime.timedelta(days=1))

    assert analyses_fail_stale(now=now) == 1

    silent.refresh_from_db()
    assert (silent.status, silent.finished_at) == (RunStatus.FAILED, now)
    assert silent.error == (
        "L'analyse n'a plus donné signe de vie (processus interrompu) ; "
        "relancez-la : elle reprendra là où elle s'est arrêtée."
    )
    done.refresh_from_db()
    assert done.status == RunStatus.DONE


def test_a_silent_run_is_left_running_while_another_run_is_heard_from(settings):
    """Runs share the workers' queue: one's chunks may wait behind another's."""
    settings.ANALYSIS_STALE_SECONDS = 900
    now = timezone.now()
    waiting, busy = _running(now, 901), _running(now, 60)

    assert analyses_fail_stale(now=now) == 0
    assert AnalysisRun.objects.filter(status=RunStatus.RUNNING).count() == 2

    # Once every run is silent, the workers are gone: both fail.
    assert analyses_fail_stale(now=now + datetime.timedelta(seconds=900)) == 2
    waiting.refresh_from_db()
    busy.refresh_from_db()
    assert (waiting.status, busy.status) == (RunStatus.FAILED, RunStatus.FAILED)


def test_reading_a_run_sweeps_first_so_nobody_sees_a_dead_run_running(settings):
    settings.ANALYSIS_STALE_SECONDS = 900
    run = AnalysisRunFactory(
        running=True, heartbeat_at=timezone.now() - datetime.timedelta(hours=2)
    )
    client = APIClient()
    client.force_authenticate(national_team_member())
    assert client.get(f"/api/v1/analyses/{run.pk}/").json()["status"] == "failed"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_fit_keeps_beating_from_its_thread(settings):
    """The heartbeat thread (its own connection: committed data) moves heartbeat_at while
    the caller is busy fitting a model."""
    import time
    from importlib import import_module

    from django.apps import apps

    from analysis.services.heartbeat import beating

    settings.ANALYSIS_HEARTBEAT_SECONDS = 0.2
    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    old = timezone.now() - datetime.timedelta(hours=1)
    run = AnalysisRunFactory(running=True, heartbeat_at=old)
    with beating(run.pk):
        time.sleep(1.0)
    run.refresh_from_db()
    assert run.heartbeat_at > old + datetime.timedelta(minutes=59)


def test_only_a_failed_run_can_be_retried():
    with pytest.raises(ValidationError):
        analysis_retry(run=AnalysisRunFactory())


# --- The queue is down: a real, unreachable Redis ------------------------------------------


@pytest.fixture
def unreachable_queue(settings):
    from egts.celery import app

    def forget_connections():
        # Pools made by an earlier test still reach the real broker: new ones are made for
        # the new URL (the old ones are left open for whoever still holds them).
        app._pool = None
        app.amqp._producer_pool = None

    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    forget_connections()
    yield
    app.conf.task_always_eager, app.conf.broker_url = previous
    forget_connections()


def test_with_the_queue_down_a_request_is_refused_clearly_and_nothing_recorded(
    unreachable_queue,
):
    client = APIClient()
    client.force_authenticate(national_team_member())
    response = client.post("/api/v1/analyses/", {}, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["detail"].startswith(
        "Le service qui analyse les textes est momentanément injoignable"
    )
    assert AnalysisRun.objects.count() == 0
    with pytest.raises(AnalysisQueueUnavailable):
        analysis_request(requested_by=national_team_member())


def test_with_the_queue_down_a_retry_keeps_the_failed_run_as_it_was(unreachable_queue):
    run = AnalysisRunFactory(status="failed", error="Lot interrompu.")
    client = APIClient()
    client.force_authenticate(national_team_member())
    assert client.post(f"/api/v1/analyses/{run.pk}/retry/").status_code == 503
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "Lot interrompu.")


def test_a_queue_lost_after_the_check_leaves_a_failed_run_that_can_be_retried(
    unreachable_queue, monkeypatch, django_capture_on_commit_callbacks
):
    from analysis.services import runs

    monkeypatch.setattr(runs, "check_broker", lambda: "ok")  # it answered a moment ago
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_request(requested_by=national_team_member())
    run.refresh_from_db()
    assert run.status == "failed"
    assert "file de traitement injoignable" in run.error


# --- Reads for the reports -----------------------------------------------------------------


def test_latest_done_run_is_the_newest_finished_run_of_exactly_that_scope():
    grand_sud = Territory.objects.get(slug="grand-sud")
    AnalysisRunFactory(national=True, version=1)
    newest = AnalysisRunFactory(national=True, version=2)
    AnalysisRunFactory(national=True, version=3, status="failed")
    AnalysisRunFactory(national=True, version=4, running=True)
    territorial = AnalysisRunFactory(territory=grand_sud)
    themed = AnalysisRunFactory(territory=grand_sud, theme=Theme.objects.get(code="T2"))

    assert latest_done_run() == newest
    assert latest_done_run(territory=grand_sud) == territorial
    assert latest_done_run(territory=grand_sud, theme=Theme.objects.get(code="T2")) == themed
    assert latest_done_run(territory=Territory.objects.get(slug="sud-ouest")) is None


def test_topics_for_report_leave_out_noise_and_merged_topics_and_suppress_small_counts():
    run = AnalysisRunFactory()
    kept = TopicFactory(run=run, label="Accès aux droits", keywords=["accès aux droits"])
    TopicFactory(run=run, noise=True)
    TopicFactory(run=run, merged_into=kept)
    members = ContributionFactory.create_batch(6, published=True)
    add_members(kept, members)
    share(kept, "usagers", 3)
    quote = QuoteFactory(topic=kept, contribution=members[0])
    QuoteFactory(topic=kept, contribution=members[1], removed=True)

    [topic] = topics_for_report(run)

    assert (topic.id, topic.label, topic.size, topic.keywords) == (
        kept.pk,
        "Accès aux droits",
        6,
        ["accès aux droits"],
    )
    assert topic.by_actor_category["professionnels"] == 6
    assert topic.by_actor_category["usagers"] is None  # 3 < 5
    assert topic.by_actor_category["elus"] is None
    assert topic.by_territory == {"grand-sud": 6}
    assert [(q.contribution, q.text) for q in topic.quotes] == [(members[0].pk, quote.text)]
    [private] = topics_for_report(run, public=False)
    assert private.by_actor_category["usagers"] == 3
    assert topic_contribution_ids(run) == {kept.pk: sorted(c.pk for c in members)}


def test_suppressed_hides_counts_under_five():
    assert [suppressed(n) for n in (0, 4, 5, 12, None)] == [None, None, 5, 12, None]


def test_publishing_a_run_makes_its_topics_listable_by_anyone():
    run = AnalysisRunFactory()
    topic = TopicFactory(run=run)
    add_members(topic, ContributionFactory.create_batch(2, published=True))
    url = f"/api/v1/contributions/?topic={topic.pk}"
    assert APIClient().get(url).json()["count"] == 0
    analysis_publish(run=run)
    assert APIClient().get(url).json()["count"] == 2
    with pytest.raises(ValidationError):
        analysis_publish(run=AnalysisRunFactory(running=True))


def test_a_quote_whose_contribution_was_redacted_or_unpublished_since_is_not_reported():
    run = AnalysisRunFactory()
    topic = TopicFactory(run=run)
    redacted, rejected, kept = ContributionFactory.create_batch(3, published=True)
    add_members(topic, [redacted, rejected, kept])
    for contribution in (redacted, rejected, kept):
        QuoteFactory(topic=topic, contribution=contribution)
    redacted.published_body = "Texte relu autrement par la modération, sans la phrase."
    redacted.save(update_fields=["published_body"])
    rejected.status = "rejected"
    rejected.save(update_fields=["status"])

    [reported] = topics_for_report(run)

    assert [q.contribution for q in reported.quotes] == [kept.pk]


def test_published_near_copies_of_a_text_are_found_through_the_band_index():
    from analysis.services.signatures import (
        contributions_signatures_refresh,
        published_near_copies,
    )
    from tests.factories.analysis import CAMPAIGN_TEXT

    copy = ContributionFactory(published=True, body=CAMPAIGN_TEXT)
    unrelated = ContributionFactory(
        published=True, body="Les jeunes majeurs sortent de l'ASE sans aucun soutien ni logement."
    )
    pending = ContributionFactory(body=CAMPAIGN_TEXT)  # not published: never a match
    assert contributions_signatures_refresh([copy.pk, unrelated.pk, pending.pk]) == 2
    assert contributions_signatures_refresh([copy.pk]) == 0  # unchanged: kept

    found = published_near_copies(CAMPAIGN_TEXT.replace("immédiate", "rapide"))

    assert [pk for pk, _score in found] == [copy.pk]
    assert 0.8 <= found[0][1] <= 1.0
    assert published_near_copies("Un tout autre sujet : les salaires des éducateurs.") == []
