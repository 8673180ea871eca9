"""Campaigns: near-identical contributions of a run, grouped at scale through SQL.

Candidates are the contributions that share an LSH band key with another one of the
run: the database groups the band table by key and returns only keys held more than
once, so the work grows with the number of near-copies, not with the square of the
documents. Each candidate bucket is then confirmed with the signatures' estimated
similarity (compared to the few distinct texts already seen in that bucket, not to
every pair) and joined transitively, as the engine's in-memory ``campaigns`` does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import groupby

from django.db import connection, transaction
from django.db.models import Count

from contributions.models import Contribution

from ..models import AnalysisRun, Campaign, SignatureBand, TextSignature, TopicMembership

BATCH = 5000


# One row per distinct set of texts sharing a band key: copies share most of their bands, so
# the twenty identical buckets of two copies come back once.
_BUCKETS = """
    SELECT DISTINCT ids FROM (
        SELECT array_agg(b.contribution_id ORDER BY b.contribution_id) AS ids
          FROM analysis_signatureband AS b
         WHERE b.contribution_id IN (
               SELECT contribution_id FROM analysis_topicmembership
                WHERE run_id = %s AND contribution_id IS NOT NULL)
         GROUP BY b.key
        HAVING count(*) > 1
    ) AS buckets
"""


def _candidate_buckets(run: AnalysisRun) -> list[list[int]]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_BUCKETS, [run.pk])
            return sorted(sorted(set(ids)) for (ids,) in cursor.fetchall())
    members = TopicMembership.objects.filter(run=run, contribution__isnull=False).values(
        "contribution_id"
    )
    shared_keys = (
        SignatureBand.objects.filter(contribution_id__in=members)
        .values("key")
        .annotate(n=Count("contribution_id"))
        .filter(n__gt=1)
        .values("key")
    )
    rows = (
        SignatureBand.objects.filter(key__in=shared_keys, contribution_id__in=members)
        .order_by("key", "contribution_id")
        .values_list("key", "contribution_id")
        .iterator(chunk_size=BATCH)
    )
    buckets = set()
    for _key, group in groupby(rows, key=lambda row: row[0]):
        ids = tuple(sorted({contribution_id for _k, contribution_id in group}))
        if len(ids) > 1:
            buckets.add(ids)
    return sorted(list(ids) for ids in buckets)


def _signatures(ids: set[int]) -> dict[int, bytes]:
    found: dict[int, bytes] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        found.update(
            (pk, bytes(sig))
            for pk, sig in TextSignature.objects.filter(contribution_id__in=batch).values_list(
                "contribution_id", "signature"
            )
        )
    return found


def find_campaigns(run: AnalysisRun, *, similarity, threshold: float) -> list[list[int]]:
    """Groups of near-identical contributions of the run (ids sorted, largest first)."""
    buckets = _candidate_buckets(run)
    signatures = _signatures({pk for bucket in buckets for pk in bucket})
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for bucket in buckets:
        leaders: list[int] = []
        for pk in bucket:
            if pk not in signatures:
                continue
            for leader in leaders:
                if find(pk) == find(leader):
                    break
                if similarity(signatures[pk], signatures[leader]) >= threshold:
                    parent[find(pk)] = find(leader)
                    break
            else:
                leaders.append(pk)
    groups: dict[int, list[int]] = defaultdict(list)
    for pk in list(parent):
        groups[find(pk)].append(pk)
    out = [sorted(group) for group in groups.values() if len(group) > 1]
    return sorted(out, key=lambda group: (-len(group), group[0]))


def record_campaigns(run: AnalysisRun, groups: list[list[int]], *, min_size: int) -> int:
    """Store the campaigns and move each one's copies into the topic most of them are in,
    so that it counts once, in one topic. Returns how many campaigns were recorded."""
    Campaign.objects.filter(run=run).delete()  # a finalise started over
    groups = [group for group in groups if len(group) >= max(2, min_size)]
    if not groups:
        return 0
    representatives = dict(
        Contribution.objects.filter(pk__in=[group[0] for group in groups]).values_list(
            "pk", "published_body"
        )
    )
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            run=run,
            representative_id=group[0],
            text=representatives.get(group[0], ""),
            size=len(group),
        )
        for group in groups
    )
    if connection.vendor == "postgresql":
        _join_campaigns_in_sql(run, campaigns, groups)
    else:
        _join_campaigns_in_python(run, campaigns, groups)
    return len(campaigns)


# The copies join their campaign, then all go to the topic most of them are in (among
# equals the smallest id, so the same data give the same): two statements for the whole
# run rather than one per campaign, since a run of a million texts may hold thousands.
_MOVE_TO_MAJORITY_TOPIC = """
    WITH counts AS (
        SELECT campaign_id, topic_id, count(*) AS n
          FROM analysis_topicmembership
         WHERE run_id = %(run)s AND campaign_id IS NOT NULL AND topic_id IS NOT NULL
         GROUP BY campaign_id, topic_id
    ), best AS (
        SELECT DISTINCT ON (campaign_id) campaign_id, topic_id
          FROM counts ORDER BY campaign_id, n DESC, topic_id
    )
    UPDATE analysis_topicmembership AS m SET topic_id = best.topic_id
      FROM best
     WHERE m.run_id = %(run)s AND m.campaign_id = best.campaign_id
       AND m.topic_id IS DISTINCT FROM best.topic_id
"""


@transaction.atomic  # the temporary table lives until the commit
def _join_campaigns_in_sql(run, campaigns, groups) -> None:
    with connection.cursor() as cursor:
        # Dropped here too: inside an enclosing transaction (a test's) the commit is later.
        cursor.execute("DROP TABLE IF EXISTS analysis_campaign_member")
        cursor.execute(
            "CREATE TEMPORARY TABLE analysis_campaign_member "
            "(contribution_id bigint PRIMARY KEY, campaign_id bigint) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY analysis_campaign_member FROM STDIN") as copy:
            for campaign, group in zip(campaigns, groups, strict=True):
                for contribution_id in group:
                    copy.write_row((contribution_id, campaign.pk))
        cursor.execute(
            "UPDATE analysis_topicmembership AS m SET campaign_id = c.campaign_id "
            "FROM analysis_campaign_member AS c "
            "WHERE m.run_id = %s AND m.contribution_id = c.contribution_id",
            [run.pk],
        )
        cursor.execute(_MOVE_TO_MAJORITY_TOPIC, {"run": run.pk})
        cursor.execute("DROP TABLE analysis_campaign_member")


def _join_campaigns_in_python(run, campaigns, groups) -> None:
    updates = []
    for campaign, group in zip(campaigns, groups, strict=True):
        memberships = []
        for start in range(0, len(group), BATCH):
            memberships += TopicMembership.objects.filter(
                run=run, contribution_id__in=group[start : start + BATCH]
            ).only("pk", "topic_id", "campaign_id")
        topics = Counter(m.topic_id for m in memberships if m.topic_id is not None)
        topic_id = min(topics, key=lambda t: (-topics[t], t)) if topics else None
        for membership in memberships:
            membership.campaign_id = campaign.pk
            membership.topic_id = topic_id
            updates.append(membership)
    TopicMembership.objects.bulk_update(updates, ["campaign_id", "topic_id"], batch_size=BATCH)
