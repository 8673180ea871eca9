"""Figures per territory, aggregated in SQL: one query per kind, however many territories."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from .integration import public_app_counts
from .models import ProposalStatus, WorkingGroup


def _by_territory(queryset, field: str = "territory_id", **aggregates) -> dict:
    rows = queryset.values(field).annotate(**aggregates).order_by()
    return {row[field]: row for row in rows}


def territory_counts(territory_ids: list[int]) -> dict[int, dict[str, int]]:
    """{territory_id: {contributions_pending, ..., working_groups, proposals}}."""
    from .models import Proposal

    counts: dict[int, dict[str, int]] = defaultdict(
        lambda: {
            "contributions_pending": 0,
            "contributions_published": 0,
            "practices_pending": 0,
            "practices_published": 0,
            "responses": 0,
            "working_groups": 0,
            "proposals": 0,
            "proposals_draft": 0,
        }
    )
    for tid in territory_ids:
        counts[tid]  # noqa: B018 — materialise every territory, even without data
    groups = _by_territory(
        WorkingGroup.objects.filter(territory_id__in=territory_ids), n=Count("id")
    )
    for tid, row in groups.items():
        counts[tid]["working_groups"] = row["n"]
    proposals = _by_territory(
        Proposal.objects.filter(territory_id__in=territory_ids),
        n=Count("id"),
        drafts=Count("id", filter=Q(status=ProposalStatus.DRAFT)),
    )
    for tid, row in proposals.items():
        counts[tid]["proposals"] = row["n"]
        counts[tid]["proposals_draft"] = row["drafts"]
    for tid, figures in public_app_counts(territory_ids).items():
        counts[tid].update(figures)
    return dict(counts)
