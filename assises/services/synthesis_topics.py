"""The analysis topics that the national synthesis and the territorial reports carry.

``analysis_figures`` freezes, when a synthesis is requested (or a report submitted), the
latest finished run of the scope: its topics that are neither noise nor merged away, with
their size, their share by actor category (counts under five suppressed: the figures are
public once published), up to five verbatim quotes each with its contribution id, and a
compact annex (how many contributions, their first id ranges). A later run does not change
what was frozen. The full topic → contribution mapping is the streamed CSV annex
(``topic_annex_rows``), read from the frozen run and topic ids.

Everything is a fixed number of queries whatever the number of contributions, and the
annex reads a count and each topic's first ids only (its first ranges of consecutive ids):
the PDF stays the same size at two million contributions as at two hundred, and freezing
it reads no more at two million than at two hundred thousand.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from analysis.models import Topic, TopicMembership
from analysis.services.reports import latest_done_run, suppressed, topics_for_report
from contributions.models import Contribution
from egts.moderation import TRANSITIONS, ModerationStatus

QUOTES_PER_TOPIC = 5
RANGES_PER_TOPIC = 12
CSV_HEADER = [
    "Identifiant du thème dégagé",
    "Thème dégagé",
    "Thème transverse",
    "Identifiant de la contribution",
]


# A member was published when its run read it; the only way back out of publication is a
# rejection (egts.moderation.TRANSITIONS), so its members no longer published are rejected.
TAKEN_DOWN = sorted(
    {
        to_status
        for moves in TRANSITIONS.values()
        for from_status, to_status in moves.items()
        if from_status == ModerationStatus.PUBLISHED
    }
)
# How many of a topic's first ids the ranges are read from: enough for RANGES_PER_TOPIC
# ranges of usual lengths; past it the last range stops there and the annex says "more".
IDS_READ_PER_TOPIC = 2000


def _count_of(queryset, field: str) -> Coalesce:
    """COUNT(*) of ``queryset``, correlated to a topic through ``field``, 0 when empty."""
    counted = queryset.order_by().values(field).annotate(n=Count("*")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def _topic_facts(topic_ids: list[int]) -> dict[int, dict]:
    """{topic id: {edited, merged, count, last, hidden}}: whether a person renamed it, how
    many topics were merged into it, how many of its members are still published, the id
    at which its first IDS_READ_PER_TOPIC members stop (None: fewer), and the members taken
    down since the run.

    Every count reads the (topic, contribution) index alone, and the members taken down are
    reached from the few rejected contributions: joining two million members to their
    contributions to keep the published ones took seconds."""
    members = TopicMembership.objects.filter(topic_id=OuterRef("pk"))
    nth = members.order_by("contribution_id").values("contribution_id")[
        IDS_READ_PER_TOPIC - 1 : IDS_READ_PER_TOPIC
    ]
    rows = (
        Topic.objects.filter(pk__in=topic_ids)
        .annotate(
            merged=_count_of(Topic.objects.filter(merged_into=OuterRef("pk")), "merged_into"),
            members=_count_of(members, "topic_id"),
            last=Subquery(nth),
        )
        .values_list("pk", "label_edited", "merged", "members", "last")
    )
    hidden: dict[int, set[int]] = {topic_id: set() for topic_id in topic_ids}
    for topic_id, contribution_id in TopicMembership.objects.filter(
        topic_id__in=topic_ids, contribution__status__in=TAKEN_DOWN
    ).values_list("topic_id", "contribution_id"):
        hidden[topic_id].add(contribution_id)
    return {
        pk: {
            "edited": edited,
            "merged": merged,
            "count": members - len(hidden[pk]),
            "last": last,
            "hidden": hidden[pk],
        }
        for pk, edited, merged, members, last in rows
    }


def _first_ids(facts: dict[int, dict]) -> dict[int, list[int]]:
    """{topic id: its first published contribution ids, ascending, up to the id where
    ``_topic_facts`` found its first IDS_READ_PER_TOPIC members stop}: one query, on the
    index alone; the members taken down are left out here."""
    wanted = Q(pk__in=[])
    for topic_id, fact in facts.items():
        last = fact["last"]
        wanted |= Q(topic_id=topic_id, contribution_id__lte=last) if last else Q(topic_id=topic_id)
    out: dict[int, list[int]] = {topic_id: [] for topic_id in facts}
    rows = (
        TopicMembership.objects.filter(wanted)
        .order_by("topic_id", "contribution_id")
        .values_list("topic_id", "contribution_id")
    )
    for topic_id, contribution_id in rows:
        if contribution_id not in facts[topic_id]["hidden"]:
            out[topic_id].append(contribution_id)
    return out


def _ranges(ids: list[int]) -> tuple[list[list[int]], bool]:
    """The first RANGES_PER_TOPIC runs of consecutive ids, and whether ids were left out."""
    ranges: list[list[int]] = []
    for contribution_id in ids:
        if ranges and contribution_id == ranges[-1][1] + 1:
            ranges[-1][1] = contribution_id
        elif len(ranges) == RANGES_PER_TOPIC:
            return ranges, True
        else:
            ranges.append([contribution_id, contribution_id])
    return ranges, False


def _annex(count: int, ids: list[int]) -> dict:
    """A topic's compact annex: its count and first ranges, and whether more ids exist."""
    ranges, cut = _ranges(ids)
    covered = sum(last - first + 1 for first, last in ranges)
    return {"count": count, "ranges": ranges, "more": cut or covered < count}


def _main_theme(by_theme: dict[str, int | None]) -> str:
    counted = [(n, code) for code, n in by_theme.items() if n]
    if not counted:
        return ""
    # The most represented theme; ties go to the first code, so the choice is stable.
    return min(counted, key=lambda item: (-item[0], item[1]))[1]


def analysis_figures(*, territory=None) -> dict | None:
    """A JSON-ready snapshot of the latest finished run of the scope, None without one."""
    run = latest_done_run(territory=territory)
    if run is None:
        return None
    topics = topics_for_report(run, public=False)
    facts = _topic_facts([t.id for t in topics])
    first_ids = _first_ids(facts)
    return {
        "run": run.pk,
        "version": run.version,
        "territory": run.territory.slug if run.territory_id else None,
        "documents": run.documents,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "topics": [
            {
                "id": topic.id,
                "label": topic.label,
                "edited": facts[topic.id]["edited"],
                "merged": facts[topic.id]["merged"],
                "size": suppressed(topic.size),
                "theme": _main_theme(topic.by_theme),
                "by_actor_category": {
                    code: suppressed(n) for code, n in topic.by_actor_category.items()
                },
                "quotes": [
                    {"contribution": q.contribution, "text": q.text}
                    for q in topic.quotes[:QUOTES_PER_TOPIC]
                ],
                "annex": _annex(facts[topic.id]["count"], first_ids[topic.id]),
            }
            for topic in topics
        ],
    }


def topic_annex_rows(frozen: dict | None, theme_labels: dict[str, str]) -> Iterator[list]:
    """The CSV annex's rows (topic id, label, theme, contribution id) of a frozen snapshot,
    streamed from the database a few thousand at a time (one query)."""
    if not frozen or not frozen.get("topics"):
        return
    topics = {t["id"]: t for t in frozen["topics"]}
    # The (topic, contribution) index alone, less the few members taken down since the run
    # (one hashed subquery): joining each of two million rows to its contribution to keep
    # the published ones took most of the annex's time. A topic id implies its run.
    taken_down = Contribution.objects.filter(status__in=TAKEN_DOWN).values("pk")
    rows = (
        TopicMembership.objects.filter(topic_id__in=list(topics))
        .exclude(contribution_id__in=taken_down)
        .order_by("topic_id", "contribution_id")
        .values_list("topic_id", "contribution_id")
        .iterator(chunk_size=5000)
    )
    for topic_id, contribution_id in rows:
        topic = topics[topic_id]
        yield [topic_id, topic["label"], theme_labels.get(topic["theme"], ""), contribution_id]
