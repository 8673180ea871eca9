"""What the reports (national synthesis, territorial report, public topic map) read.

Counts under ``SUPPRESSION_THRESHOLD`` come back as ``None`` when ``public`` is true,
as the questionnaire results do: a small count may point at a person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from egts.models import ActorCategory
from egts.moderation import ModerationStatus

from ..models import (
    SUPPRESSION_THRESHOLD,
    AnalysisRun,
    Quote,
    ShareDimension,
    Topic,
    TopicMembership,
)


def suppressed(count: int | None) -> int | None:
    if count is None or count < SUPPRESSION_THRESHOLD:
        return None
    return count


def latest_done_run(territory=None, theme=None) -> AnalysisRun | None:
    """The newest finished run of exactly this scope (None, None: all territories)."""
    return (
        AnalysisRun.objects.done()
        .for_scope(territory=territory, theme=theme)
        .select_related("territory", "theme")
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass
class ReportQuote:
    contribution: int
    text: str


@dataclass
class ReportTopic:
    id: int
    label: str
    keywords: list[str]
    size: int
    documents: int
    by_actor_category: dict[str, int | None]
    by_territory: dict[str, int | None]
    by_theme: dict[str, int | None]
    quotes: list[ReportQuote] = field(default_factory=list)


def shares_of(topics, *, public: bool) -> dict[int, dict[str, dict[str, int | None]]]:
    """{topic id: {dimension: {code: count}}}, every actor category present (0 or None)."""
    from ..models import TopicShare

    out: dict[int, dict[str, dict]] = {
        topic.pk: {
            ShareDimension.ACTOR_CATEGORY: dict.fromkeys(ActorCategory.values, 0),
            ShareDimension.TERRITORY: {},
            ShareDimension.THEME: {},
        }
        for topic in topics
    }
    for topic_id, dimension, code, count in TopicShare.objects.filter(
        topic__in=[t.pk for t in topics]
    ).values_list("topic_id", "dimension", "code", "count"):
        out[topic_id][dimension][code] = count
    if public:
        for dimensions in out.values():
            for counts in dimensions.values():
                for code, count in counts.items():
                    counts[code] = suppressed(count)
    return out


def quotes_of(topics) -> dict[int, list[Quote]]:
    """The shown quotes of ``topics`` that are still verbatim in a published text: a
    contribution unpublished or redacted since the run no longer gives its quote."""
    quotes: dict[int, list[Quote]] = defaultdict(list)
    rows = (
        Quote.objects.shown()
        .filter(topic__in=[t.pk for t in topics], contribution__status=ModerationStatus.PUBLISHED)
        .select_related("contribution")
        .only(*QUOTE_FIELDS)
    )
    for quote in rows:
        if quote.text in quote.contribution.published_body:
            quotes[quote.topic_id].append(quote)
    return quotes


QUOTE_FIELDS = (
    "id",
    "topic_id",
    "contribution_id",
    "text",
    "position",
    "pinned",
    "removed",
    "contribution__published_body",
)


def topics_for_report(run: AnalysisRun, *, public: bool = True) -> list[ReportTopic]:
    """The run's topics a report shows (not noise, not merged away), largest first, with
    their shares and quotes (each with its contribution id)."""
    topics = list(run.topics.for_report().order_by("-size", "index"))
    shares = shares_of(topics, public=public)
    quotes = quotes_of(topics)
    return [
        ReportTopic(
            id=topic.pk,
            label=topic.label,
            keywords=list(topic.keywords),
            size=topic.size,
            documents=topic.documents,
            by_actor_category=shares[topic.pk][ShareDimension.ACTOR_CATEGORY],
            by_territory=shares[topic.pk][ShareDimension.TERRITORY],
            by_theme=shares[topic.pk][ShareDimension.THEME],
            quotes=[ReportQuote(q.contribution_id, q.text) for q in quotes[topic.pk]],
        )
        for topic in topics
    ]


def topic_contribution_ids(run: AnalysisRun) -> dict[int, list[int]]:
    """{topic id: [contribution ids]} for the report's annex (published ones, sorted)."""
    out: dict[int, list[int]] = defaultdict(list)
    rows = (
        TopicMembership.objects.filter(
            run=run,
            topic__in=Topic.objects.filter(run=run).for_report(),
            contribution__status=ModerationStatus.PUBLISHED,
        )
        .order_by("topic_id", "contribution_id")
        .values_list("topic_id", "contribution_id")
        .iterator(chunk_size=10000)
    )
    for topic_id, contribution_id in rows:
        out[topic_id].append(contribution_id)
    return dict(out)
