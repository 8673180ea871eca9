"""People's edits survive a later run over more data: topics are matched across runs and
renames, noise marks, merges, pinned and removed quotes are replayed, and logged."""

import pytest

from analysis.models import Quote, Topic, TopicEdit, TopicMembership
from analysis.services.edits import quote_update, topic_merge, topic_rename, topic_set_noise
from analysis.services.runs import analysis_request
from contributions.models import Contribution
from tests.factories.analysis import publish_texts
from tests.factories.egts import national_team_member

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _small_chunks(settings):
    settings.ANALYSIS_CHUNK_SIZE = 15


def run_analysis(capture, user):
    with capture(execute=True):
        run = analysis_request(requested_by=user)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def stable_topics(first, later_texts) -> list[Topic]:
    """The first run's topics that a run over more data will find again: the engine decides
    which (fitted here as the pipeline will fit it), the test edits those."""
    from analysis import engine

    texts = (
        list(
            Contribution.objects.published().order_by("pk").values_list("published_body", flat=True)
        )
        + later_texts
    )
    model = engine.TopicModel.fit(texts, seed=0, max_topics=30)
    old = list(first.topics.order_by("index"))
    mapping = engine.match_topics([t.keywords for t in old], [t.keywords for t in model.topics])
    return [old[i] for i in sorted(set(mapping.values()))]


def test_renames_noise_merges_and_quotes_carry_over_to_the_next_run(
    django_capture_on_commit_callbacks,
):
    user = national_team_member()
    publish_texts(per_topic=12, seed=1)
    later = publish_texts(per_topic=6, seed=2)  # arrives after the first run
    Contribution.objects.filter(pk__in=[c.pk for c in later]).update(status="pending")
    first = run_analysis(django_capture_on_commit_callbacks, user)

    stable = stable_topics(first, [c.published_body for c in later])
    assert len(stable) >= 4
    housing, childhood, digital, jobs = stable[:4]
    topic_rename(topic=housing, user=user, label="Se loger, être hébergé")
    topic_set_noise(topic=digital, user=user, noise=True)
    topic_merge(topic=childhood, into=jobs, user=user)
    jobs.refresh_from_db()
    pinned, removed = list(Quote.objects.filter(topic=jobs)[:2])
    quote_update(quote=pinned, user=user, pinned=True)
    quote_update(quote=removed, user=user, removed=True)

    Contribution.objects.filter(pk__in=[c.pk for c in later]).update(status="published")
    second = run_analysis(django_capture_on_commit_callbacks, user)

    assert second.previous_id == first.pk
    assert second.documents == first.documents + 24
    new_housing = second.topics.get(matched_from=housing)
    assert (new_housing.label, new_housing.label_edited) == ("Se loger, être hébergé", True)
    assert new_housing.engine_label != "Se loger, être hébergé"
    assert second.topics.get(matched_from=digital).noise is True
    new_jobs = second.topics.get(matched_from=jobs)
    new_childhood = second.topics.get(matched_from=childhood)
    assert new_childhood.merged_into_id == new_jobs.pk
    assert not TopicMembership.objects.filter(topic=new_childhood).exists()
    assert new_jobs.documents == TopicMembership.objects.filter(topic=new_jobs).count()
    quotes = list(new_jobs.quotes.all())
    assert (quotes[0].contribution_id, quotes[0].text, quotes[0].pinned) == (
        pinned.contribution_id,
        pinned.text,
        True,
    )
    shown = [(q.contribution_id, q.text) for q in quotes if not q.removed]
    assert (removed.contribution_id, removed.text) not in shown
    assert len(shown) <= 5
    carried = set(
        TopicEdit.objects.filter(run=second, carried_over=True).values_list("action", "topic_id")
    )
    assert carried == {
        ("rename", new_housing.pk),
        ("noise", second.topics.get(matched_from=digital).pk),
        ("merge", new_childhood.pk),
    }
    # The first run's own log names who did what.
    assert set(TopicEdit.objects.filter(run=first).values_list("action", "user")) == {
        ("rename", user.pk),
        ("noise", user.pk),
        ("merge", user.pk),
        ("pin", user.pk),
        ("remove_quote", user.pk),
    }

    # A third run carries them again (from the second, where they were replayed).
    third = run_analysis(django_capture_on_commit_callbacks, user)
    assert third.topics.get(matched_from=new_housing).label == "Se loger, être hébergé"
    third_jobs = third.topics.get(matched_from=new_jobs)
    assert third.topics.get(matched_from=new_childhood).merged_into_id == third_jobs.pk
    assert third_jobs.quotes.filter(pinned=True, contribution_id=pinned.contribution_id).exists()
