"""The whole pipeline (fit on a sample, chunked assignment, finalise) with the real engine,
Celery eager: what a run reads, what it writes, and that the same data give the same."""

import re

import pytest
from django.db.models import Sum

from analysis.models import (
    AnalysisChunk,
    AnalysisRun,
    Campaign,
    Quote,
    RunStatus,
    SignatureBand,
    TextSignature,
    Topic,
    TopicMembership,
    TopicShare,
)
from analysis.services.runs import analysis_request
from contributions.models import Contribution
from egts.models import Territory, Theme
from tests.factories.analysis import publish_campaign, publish_texts
from tests.factories.contributions import (
    ContributionFactory,
    QuestionFactory,
    ResponseFactory,
)
from tests.factories.egts import national_team_member

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def small_chunks(settings):
    settings.ANALYSIS_CHUNK_SIZE = 10
    settings.ANALYSIS_SAMPLE_SIZE = 40


def run_analysis(django_capture_on_commit_callbacks, **scope) -> AnalysisRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_request(requested_by=national_team_member(), **scope)
    run.refresh_from_db()
    return run


def test_a_run_reads_every_published_text_once_in_chunks_and_ends_done(
    small_chunks, django_capture_on_commit_callbacks
):
    published = publish_texts(per_topic=10)
    ContributionFactory.create_batch(2)  # pending: not read
    ContributionFactory(rejected=True)

    run = run_analysis(django_capture_on_commit_callbacks)

    assert (run.status, run.progress, run.error) == (RunStatus.DONE, 100, "")
    assert run.documents == len(published) == 40
    assert AnalysisChunk.objects.filter(run=run).count() == 4
    assert set(AnalysisChunk.objects.filter(run=run).values_list("status", flat=True)) == {"done"}
    members = TopicMembership.objects.filter(run=run)
    assert sorted(members.values_list("contribution_id", flat=True)) == sorted(
        c.pk for c in published
    )
    topics = Topic.objects.filter(run=run)
    assert 2 <= topics.count() <= 30
    assert run.engine_version and run.model
    # Every text counted once, a campaign (texts drawing the same sentences) once in all.
    assigned = members.filter(topic__isnull=False).count()
    assert topics.aggregate(n=Sum("documents"))["n"] == assigned
    copies = sum(c.size - 1 for c in Campaign.objects.filter(run=run))
    assert topics.aggregate(n=Sum("size"))["n"] == assigned - copies


def test_topics_come_from_the_published_text_never_from_the_raw_one(
    small_chunks, django_capture_on_commit_callbacks
):
    publish_texts(per_topic=10)

    run = run_analysis(django_capture_on_commit_callbacks)

    words = " ".join(
        " ".join([t.label, *t.keywords]) for t in Topic.objects.filter(run=run)
    ).lower()
    assert "zorglubesque" not in words
    quotes = Quote.objects.filter(topic__run=run)
    assert quotes.exists()
    assert not quotes.filter(text__icontains="zorglubesque").exists()


def test_quotes_are_whole_verbatim_sentences_of_their_contribution_at_most_five(
    small_chunks, django_capture_on_commit_callbacks
):
    publish_texts(per_topic=10)

    run = run_analysis(django_capture_on_commit_callbacks)

    for topic in Topic.objects.filter(run=run):
        quotes = list(topic.quotes.all())
        assert len(quotes) <= 5
        assert len({q.contribution_id for q in quotes}) == len(quotes)  # one per source
        for quote in quotes:
            body = Contribution.objects.get(pk=quote.contribution_id).published_body
            assert quote.text in body
            assert re.search(r"[.!?…]$", quote.text)
            assert TopicMembership.objects.filter(
                topic=topic, contribution_id=quote.contribution_id
            ).exists()


def _units_by(members, field: str) -> dict:
    """What a share counts: a text outside campaigns one, a campaign one per value."""
    counts: dict = {}
    seen = set()
    for value, campaign in members.values_list(field, "campaign_id"):
        if campaign is None or (value, campaign) not in seen:
            counts[value] = counts.get(value, 0) + 1
            seen.add((value, campaign))
    return counts


def test_shares_by_actor_category_and_territory_are_counted_in_sql(
    small_chunks, django_capture_on_commit_callbacks
):
    publish_texts(per_topic=10, territory="grand-sud")
    publish_texts(per_topic=4, territory="sud-ouest", seed=9)

    run = run_analysis(django_capture_on_commit_callbacks)

    topics = Topic.objects.filter(run=run)
    assert topics.exists()
    for topic in topics:
        members = TopicMembership.objects.filter(topic=topic)
        for dimension, field in (
            ("actor_category", "actor_category"),
            ("territory", "territory__slug"),
        ):
            shares = dict(
                TopicShare.objects.filter(topic=topic, dimension=dimension).values_list(
                    "code", "count"
                )
            )
            assert shares == _units_by(members, field), dimension
            assert sum(shares.values()) >= topic.size
        assert set(
            TopicShare.objects.filter(topic=topic, dimension="territory").values_list(
                "code", flat=True
            )
        ) <= {"grand-sud", "sud-ouest"}


def test_a_territory_run_reads_only_that_territory_and_a_theme_run_only_that_theme(
    small_chunks, django_capture_on_commit_callbacks
):
    ours = publish_texts(per_topic=8, territory="grand-sud")
    publish_texts(per_topic=8, territory="sud-ouest", seed=2)
    other_theme = publish_texts(per_topic=8, territory="grand-sud", theme="T2", seed=4)

    grand_sud = Territory.objects.get(slug="grand-sud")
    run = run_analysis(django_capture_on_commit_callbacks, territory=grand_sud)
    assert run.documents == len(ours) + len(other_theme)

    run = run_analysis(
        django_capture_on_commit_callbacks,
        territory=grand_sud,
        theme=Theme.objects.get(code="T2"),
    )
    assert sorted(
        TopicMembership.objects.filter(run=run).values_list("contribution_id", flat=True)
    ) == sorted(c.pk for c in other_theme)
    assert (run.version, run.scope_key) == (1, "grand-sud/T2")


def test_versions_are_numbered_per_scope(small_chunks, django_capture_on_commit_callbacks):
    publish_texts(per_topic=6)
    first = run_analysis(django_capture_on_commit_callbacks)
    second = run_analysis(django_capture_on_commit_callbacks)
    territorial = run_analysis(
        django_capture_on_commit_callbacks, territory=Territory.objects.get(slug="grand-sud")
    )
    assert [first.version, second.version, territorial.version] == [1, 2, 1]
    assert second.previous_id == first.pk


def test_questionnaire_free_text_answers_count_in_topics_but_are_never_quoted(
    small_chunks, django_capture_on_commit_callbacks
):
    publish_texts(per_topic=10)
    question = QuestionFactory(kind="text")
    for n in range(5):
        response = ResponseFactory(questionnaire=question.questionnaire)
        response.answers.create(
            question=question,
            text="Les familles dorment dehors, le 115 ne répond plus, l'hébergement "
            f"d'urgence manque de places, il faut un vrai logement social numéro {n}.",
        )

    run = run_analysis(django_capture_on_commit_callbacks)

    assert run.documents == 45
    assert TopicMembership.objects.filter(run=run, answer__isnull=False).count() == 5
    assert not Quote.objects.filter(topic__run=run, contribution__isnull=True).exists()


def test_a_campaign_of_near_copies_is_found_and_counts_once(
    small_chunks, django_capture_on_commit_callbacks
):
    publish_texts(per_topic=10)
    copies = publish_campaign(copies=8)

    run = run_analysis(django_capture_on_commit_callbacks)

    campaign = Campaign.objects.get(run=run, representative=copies[0])
    assert campaign.size == 8
    members = TopicMembership.objects.filter(campaign=campaign)
    assert sorted(members.values_list("contribution_id", flat=True)) == [c.pk for c in copies]
    assert campaign.representative_id == copies[0].pk
    assert campaign.text == copies[0].published_body
    # All copies in one topic, where they weigh one text.
    topic_ids = set(members.values_list("topic_id", flat=True))
    assert len(topic_ids) == 1
    topic = Topic.objects.get(pk=topic_ids.pop())
    in_topic = TopicMembership.objects.filter(topic=topic)
    campaigns = Campaign.objects.filter(members__topic=topic).distinct()
    assert campaign in campaigns
    assert topic.documents == in_topic.count()
    assert topic.size == in_topic.filter(campaign__isnull=True).count() + campaigns.count()
    assert topic.size <= topic.documents - 7
    # One quote at most from the campaign.
    assert topic.quotes.filter(contribution__in=copies).count() <= 1


def test_signatures_are_kept_across_runs_and_recomputed_when_the_text_changes(
    small_chunks, django_capture_on_commit_callbacks
):
    contributions = publish_texts(per_topic=6)
    run_analysis(django_capture_on_commit_callbacks)
    assert TextSignature.objects.count() == len(contributions)
    assert SignatureBand.objects.count() == len(contributions) * 20
    changed = contributions[0]
    before = bytes(TextSignature.objects.get(contribution=changed).signature)
    Contribution.objects.filter(pk=changed.pk).update(
        published_body="Un texte tout autre sur les salaires des travailleurs sociaux épuisés."
    )

    run_analysis(django_capture_on_commit_callbacks)

    assert bytes(TextSignature.objects.get(contribution=changed).signature) != before
    assert SignatureBand.objects.count() == len(contributions) * 20


def test_the_same_data_and_settings_give_the_same_topics(
    small_chunks, django_capture_on_commit_callbacks
):
    publish_texts(per_topic=10)
    runs = [run_analysis(django_capture_on_commit_callbacks) for _ in range(2)]

    def summary(run):
        return [
            (t.index, t.engine_label, t.keywords, t.size)
            for t in Topic.objects.filter(run=run).order_by("index")
        ], sorted(
            TopicMembership.objects.filter(run=run).values_list("contribution_id", "topic__index")
        )

    assert summary(runs[0]) == summary(runs[1])


def test_a_scope_without_published_text_fails_with_a_readable_error(
    django_capture_on_commit_callbacks,
):
    ContributionFactory()  # pending only
    run = run_analysis(
        django_capture_on_commit_callbacks, territory=Territory.objects.get(slug="grand-sud")
    )
    assert run.status == RunStatus.FAILED
    assert run.error == "Aucun texte publié ne correspond à ce périmètre."
    assert run.finished_at is not None
