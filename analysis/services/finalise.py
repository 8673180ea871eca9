"""The last step of a run: campaigns, carried-over edits, sizes and shares, quotes.

Each step rewrites what it owns for the run, so a finalise that starts over (a worker
killed mid-way, then the task redelivered or the run retried) gives the same result.
Sizes and shares are aggregated by the database (one GROUP BY per dimension); a
campaign counts once: a topic's size is its texts outside campaigns plus its distinct
campaigns.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egts.moderation import ModerationStatus

from ..models import (
    AnalysisRun,
    EditAction,
    Quote,
    RunPhase,
    RunStatus,
    ShareDimension,
    Topic,
    TopicEdit,
    TopicMembership,
    TopicShare,
)
from .campaigns import find_campaigns, record_campaigns
from .heartbeat import beating
from .runs_state import MAX_ATTEMPTS, _model_of, _set_progress, analysis_fail, engine

logger = logging.getLogger(__name__)

NATIONAL = "national"


def _units():
    """Texts outside campaigns, plus distinct campaigns: what a topic's size counts."""
    return {
        "singles": Count("id", filter=Q(campaign__isnull=True)),
        "campaigns": Count("campaign", distinct=True),
    }


def compute_sizes_and_shares(run: AnalysisRun, topic_ids: list[int] | None = None) -> None:
    """Sizes, text counts and shares of the run's topics (or of ``topic_ids`` only)."""
    topics = run.topics.all() if topic_ids is None else run.topics.filter(pk__in=topic_ids)
    memberships = TopicMembership.objects.filter(run=run, topic__in=topics)
    stats = {
        row["topic_id"]: row
        for row in memberships.values("topic_id").annotate(documents=Count("id"), **_units())
    }
    changed = []
    for topic in topics:
        row = stats.get(topic.pk, {"documents": 0, "singles": 0, "campaigns": 0})
        topic.documents = row["documents"]
        topic.size = row["singles"] + row["campaigns"]
        changed.append(topic)
    Topic.objects.bulk_update(changed, ["documents", "size"])
    TopicShare.objects.filter(topic__in=topics).delete()
    shares = []
    dimensions = (
        (ShareDimension.ACTOR_CATEGORY, "actor_category", memberships),
        (ShareDimension.TERRITORY, "territory__slug", memberships),
        (
            ShareDimension.THEME,
            "contribution__themes__code",
            memberships.filter(contribution__isnull=False),
        ),
    )
    for dimension, field, queryset in dimensions:
        for row in queryset.values("topic_id", field).annotate(**_units()).order_by():
            count = row["singles"] + row["campaigns"]
            if count:
                shares.append(
                    TopicShare(
                        topic_id=row["topic_id"],
                        dimension=dimension,
                        code=row[field] or NATIONAL,
                        count=count,
                    )
                )
    TopicShare.objects.bulk_create(shares, batch_size=2000)


# --- Carrying human edits over from the previous run of the scope --------------------------


def previous_run(run: AnalysisRun) -> AnalysisRun | None:
    return (
        AnalysisRun.objects.done()
        .filter(scope_key=run.scope_key, created_at__lte=run.created_at)
        .exclude(pk=run.pk)
        .order_by("-created_at", "-pk")
        .first()
    )


def _root(topic: Topic, by_id: dict[int, Topic]) -> Topic:
    seen = set()
    while topic.merged_into_id and topic.merged_into_id in by_id and topic.pk not in seen:
        seen.add(topic.pk)
        topic = by_id[topic.merged_into_id]
    return topic


def move_memberships(*, source: Topic, target: Topic) -> None:
    TopicMembership.objects.filter(topic=source).update(topic=target)


def carry_over_edits(run: AnalysisRun) -> None:
    """Match the run's topics with the previous run's (keyword overlap, engine) and replay
    what people decided there: labels, noise, merges. Pins and removals of quotes are
    replayed by ``pick_quotes``."""
    TopicEdit.objects.filter(run=run, carried_over=True).delete()
    previous = previous_run(run)
    run.previous = previous
    AnalysisRun.objects.filter(pk=run.pk).update(previous=previous)
    new_topics = list(run.topics.order_by("index"))
    for topic in new_topics:
        topic.matched_from = None
        topic.merged_into = None
        topic.label = topic.engine_label
        topic.label_edited = False
        topic.noise = False
    if previous is not None and new_topics:
        old_topics = list(previous.topics.order_by("index"))
        mapping = engine().match_topics(
            [list(t.keywords) for t in old_topics], [list(t.keywords) for t in new_topics]
        )
        old_by_id = {t.pk: t for t in old_topics}
        edits = []
        for new_position, old_position in sorted(mapping.items()):
            new, old = new_topics[new_position], old_topics[old_position]
            new.matched_from = old
            details = {"from_run": previous.pk, "from_topic": old.pk}
            if old.label_edited:
                new.label, new.label_edited = old.label, True
                edits.append((new, EditAction.RENAME, {**details, "label": old.label}))
            if old.noise:
                new.noise = True
                edits.append((new, EditAction.NOISE, details))
        matched = {t.matched_from_id: t for t in new_topics if t.matched_from_id}
        for new in new_topics:
            old = old_by_id.get(new.matched_from_id)
            if old is None or not old.merged_into_id:
                continue
            target = matched.get(_root(old, old_by_id).pk)
            if target is not None and target.pk != new.pk:
                new.merged_into = target
                edits.append(
                    (
                        new,
                        EditAction.MERGE,
                        {"from_run": previous.pk, "from_topic": old.pk, "into": target.pk},
                    )
                )
        TopicEdit.objects.bulk_create(
            TopicEdit(run=run, topic=topic, action=action, details=details, carried_over=True)
            for topic, action, details in edits
        )
    Topic.objects.bulk_update(
        new_topics, ["matched_from", "merged_into", "label", "label_edited", "noise"]
    )
    for topic in new_topics:
        if topic.merged_into_id:
            move_memberships(source=topic, target=topic.merged_into)


# --- Quotes --------------------------------------------------------------------------------


def _candidates(topic: Topic, limit: int) -> list[tuple[int, str]]:
    """The topic's best-weighted published contributions, one per campaign."""
    rows = (
        TopicMembership.objects.filter(
            topic=topic,
            contribution__isnull=False,
            contribution__status=ModerationStatus.PUBLISHED,
        )
        .order_by("-weight", "contribution_id")
        .values_list("contribution_id", "contribution__published_body", "campaign_id")[: limit * 3]
    )
    items, campaigns = [], set()
    for contribution_id, text, campaign_id in rows:
        if campaign_id is not None:
            if campaign_id in campaigns:
                continue
            campaigns.add(campaign_id)
        items.append((contribution_id, text))
        if len(items) >= limit:
            break
    return items


def _still_quotable(topic: Topic, contribution_id: int, text: str) -> bool:
    return TopicMembership.objects.filter(
        topic=topic,
        contribution_id=contribution_id,
        contribution__status=ModerationStatus.PUBLISHED,
        contribution__published_body__contains=text,
    ).exists() and not engine().personal_data(text)


def _kept_quotes(topic: Topic) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The (contribution id, text) of the quotes people pinned, and of those they removed,
    on the previous run's matching topic and the topics merged into it."""
    pinned, removed = [], []
    if topic.matched_from_id:
        sources = [
            topic.matched_from_id,
            *topic.matched_from.merged_topics.values_list("pk", flat=True),
        ]
        for old in Quote.objects.filter(topic_id__in=sources).filter(
            Q(pinned=True) | Q(removed=True)
        ):
            (removed if old.removed else pinned).append((old.contribution_id, old.text))
    return pinned, removed


def _carried_quotes(topic: Topic) -> tuple[list[Quote], set[tuple[int, str]], int]:
    """The kept pinned quotes still quotable, first, then the removed ones (kept so that
    they are never proposed again); with what they took and the next position."""
    pinned, removed = _kept_quotes(topic)
    quotes = []
    position = 0
    taken = set()
    for contribution_id, text in pinned:
        if (contribution_id, text) in taken or not _still_quotable(topic, contribution_id, text):
            continue
        taken.add((contribution_id, text))
        quotes.append(
            Quote(
                topic=topic,
                contribution_id=contribution_id,
                text=text,
                position=position,
                pinned=True,
            )
        )
        position += 1
    for contribution_id, text in removed:
        if (contribution_id, text) not in taken:
            taken.add((contribution_id, text))
            quotes.append(
                Quote(
                    topic=topic,
                    contribution_id=contribution_id,
                    text=text,
                    position=999,
                    removed=True,
                )
            )
    return quotes, taken, position


def pick_quotes(run: AnalysisRun) -> None:
    """Up to ``quotes_per_topic`` sentences per topic, verbatim, never with personal data:
    the previous run's pinned quotes first (while still published and in the topic),
    never one that a person removed there."""
    Quote.objects.filter(topic__run=run).delete()
    model = _model_of(run)
    text_engine = engine()
    per_topic = int(run.parameters.get("quotes_per_topic", 5))
    limit = int(run.parameters.get("quote_candidates", 300))
    quotes = []
    for topic in run.topics.listed().select_related("matched_from"):
        carried, taken, position = _carried_quotes(topic)
        quotes.extend(carried)
        wanted = per_topic - position
        items = _candidates(topic, limit)
        if wanted > 0 and items:
            sources = {contribution_id for contribution_id, _text in taken}
            picked = model.quotes(topic.index, items, n=wanted + len(taken))
            for contribution_id, text in picked:
                if wanted <= 0:
                    break
                if contribution_id in sources or text_engine.personal_data(text):
                    continue
                sources.add(contribution_id)
                quotes.append(
                    Quote(
                        topic=topic, contribution_id=contribution_id, text=text, position=position
                    )
                )
                position += 1
                wanted -= 1
    Quote.objects.bulk_create(quotes, batch_size=1000)


# --- The finalise task's service -----------------------------------------------------------


def _claim(run_id: int) -> AnalysisRun | None:
    with transaction.atomic():
        run = AnalysisRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != RunStatus.RUNNING:
            return None
        if run.chunks_done < run.chunks_total:
            return None
        if run.finalise_attempts >= MAX_ATTEMPTS:
            analysis_fail(
                run=run,
                error=_(
                    "Le calcul final a été interrompu %(n)d fois (processus arrêté) ; "
                    "relancez l'analyse."
                )
                % {"n": run.finalise_attempts},
            )
            return None
        run.phase = RunPhase.FINALISE
        run.finalise_attempts += 1
        run.progress = max(run.progress, 90)
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["phase", "finalise_attempts", "progress", "heartbeat_at"])
    return run


def analysis_finalise(*, run_id: int) -> AnalysisRun | None:
    run = _claim(run_id)
    if run is None:
        return None
    parameters = run.parameters
    with beating(run.pk):
        with transaction.atomic():
            groups = find_campaigns(
                run,
                similarity=engine().similarity,
                threshold=float(parameters.get("campaign_threshold", 0.8)),
            )
            record_campaigns(run, groups, min_size=int(parameters.get("campaign_min_size", 2)))
        _set_progress(run.pk, 93)
        with transaction.atomic():
            carry_over_edits(run)
            compute_sizes_and_shares(run)
        _set_progress(run.pk, 96)
        with transaction.atomic():
            pick_quotes(run)
            documents = TopicMembership.objects.filter(run=run).count()
            updated = AnalysisRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.DONE,
                progress=100,
                documents=documents,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
                error="",
            )
    if not updated:
        logger.warning("analysis run %s: finished after it was marked failed", run.pk)
        return None
    run.refresh_from_db()
    return run


__all__ = ["analysis_finalise", "analysis_fail", "compute_sizes_and_shares", "pick_quotes"]
