"""The analysis topics that the national synthesis and the territorial reports carry.

``analysis_figures`` freezes, when a synthesis is requested (or a report submitted), the
latest finished run of the scope: its topics that are neither noise nor merged away, with
their size, their share by actor category (counts under five suppressed: the figures are
public once published), up to five verbatim quotes each with its contribution id, and a
compact annex (how many contributions, their first id ranges). A later run does not change
what was frozen. The full topic → contribution mapping is the streamed CSV annex
(``topic_annex_rows``), read from the frozen run and topic ids.

Everything is a fixed number of queries whatever the number of contributions, and the
annex ranges are computed by the database (gaps and islands), capped per topic: the PDF
stays the same size at two million contributions as at two hundred.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection
from django.db.models import Count

from analysis.models import AnalysisRun, Topic, TopicMembership
from analysis.services.reports import latest_done_run, suppressed, topics_for_report
from contributions.models import Contribution
from egts.moderation import ModerationStatus

QUOTES_PER_TOPIC = 5
RANGES_PER_TOPIC = 12
CSV_HEADER = [
    "Identifiant du thème dégagé",
    "Thème dégagé",
    "Thème transverse",
    "Identifiant de la contribution",
]


def _annex_ranges(run: AnalysisRun, topic_ids: list[int]) -> dict[int, dict]:
    """{topic id: {count, ranges [[first, last]], more}} in one query.

    Consecutive ids form one range (an id minus its row number is constant along a run of
    consecutive ids); only the first RANGES_PER_TOPIC ranges of a topic leave the database.
    """
    if not topic_ids:
        return {}
    membership = TopicMembership._meta.db_table
    contribution = Contribution._meta.db_table
    sql = f"""
        SELECT topic_id, first_id, last_id, total, ranges FROM (
            SELECT topic_id, MIN(cid) AS first_id, MAX(cid) AS last_id,
                   SUM(COUNT(cid)) OVER (PARTITION BY topic_id) AS total,
                   COUNT(*) OVER (PARTITION BY topic_id) AS ranges,
                   ROW_NUMBER() OVER (PARTITION BY topic_id ORDER BY MIN(cid)) AS position
            FROM (
                SELECT m.topic_id, m.contribution_id AS cid,
                       m.contribution_id - ROW_NUMBER() OVER (
                           PARTITION BY m.topic_id ORDER BY m.contribution_id
                       ) AS island
                FROM {membership} m
                JOIN {contribution} c ON c.id = m.contribution_id
                WHERE m.run_id = %s AND m.topic_id = ANY(%s) AND c.status = %s
            ) AS numbered
            GROUP BY topic_id, island
        ) AS islands
        WHERE position <= %s
        ORDER BY topic_id, first_id
    """  # noqa: S608 — table names come from the models, values are parameters
    out: dict[int, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk, list(topic_ids), ModerationStatus.PUBLISHED, RANGES_PER_TOPIC])
        for topic_id, first_id, last_id, total, ranges in cursor.fetchall():
            entry = out.setdefault(
                topic_id,
                {"count": int(total), "ranges": [], "more": int(ranges) > RANGES_PER_TOPIC},
            )
            entry["ranges"].append([first_id, last_id])
    return out


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
    ids = [t.id for t in topics]
    merged = dict(
        Topic.objects.filter(merged_into__in=ids)
        .values("merged_into")
        .annotate(n=Count("id"))
        .values_list("merged_into", "n")
        .order_by()
    )
    edited = set(Topic.objects.filter(pk__in=ids, label_edited=True).values_list("pk", flat=True))
    annex = _annex_ranges(run, ids)
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
                "edited": topic.id in edited,
                "merged": merged.get(topic.id, 0),
                "size": suppressed(topic.size),
                "theme": _main_theme(topic.by_theme),
                "by_actor_category": {
                    code: suppressed(n) for code, n in topic.by_actor_category.items()
                },
                "quotes": [
                    {"contribution": q.contribution, "text": q.text}
                    for q in topic.quotes[:QUOTES_PER_TOPIC]
                ],
                "annex": annex.get(topic.id, {"count": 0, "ranges": [], "more": False}),
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
    rows = (
        TopicMembership.objects.filter(
            run_id=frozen["run"],
            topic_id__in=list(topics),
            contribution__status=ModerationStatus.PUBLISHED,
        )
        .order_by("topic_id", "contribution_id")
        .values_list("topic_id", "contribution_id")
        .iterator(chunk_size=5000)
    )
    for topic_id, contribution_id in rows:
        topic = topics[topic_id]
        yield [topic_id, topic["label"], theme_labels.get(topic["theme"], ""), contribution_id]
