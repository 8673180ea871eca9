"""What the back-office reads from the public apps (contributions, practices)."""

from __future__ import annotations

from django.db.models import Count, Q

from contributions.models import Contribution, Response
from egts.models import Territory
from egts.moderation import ModerationStatus
from practices.models import Practice


def public_app_counts(territory_ids: list[int]) -> dict[int, dict[str, int]]:
    """Pending and published contributions and practices, questionnaire responses: 3 queries."""
    result: dict[int, dict[str, int]] = {tid: {} for tid in territory_ids}
    status_counts = {
        "pending": Count("id", filter=Q(status=ModerationStatus.PENDING)),
        "published": Count("id", filter=Q(status=ModerationStatus.PUBLISHED)),
    }
    contributions = (
        Contribution.objects.filter(territory_id__in=territory_ids)
        .values("territory_id")
        .annotate(**status_counts)
        .order_by()
    )
    for row in contributions:
        result[row["territory_id"]]["contributions_pending"] = row["pending"]
        result[row["territory_id"]]["contributions_published"] = row["published"]
    practices = (
        Practice.objects.submitted()
        .filter(territory_id__in=territory_ids)
        .values("territory_id")
        .annotate(**status_counts)
        .order_by()
    )
    for row in practices:
        result[row["territory_id"]]["practices_pending"] = row["pending"]
        result[row["territory_id"]]["practices_published"] = row["published"]
    responses = (
        Response.objects.filter(territory_id__in=territory_ids)
        .values("territory_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in responses:
        result[row["territory_id"]]["responses"] = row["n"]
    return result


def published_practices(territory: Territory) -> list[dict]:
    """The territory's published practices, for part II of the report."""
    practices = Practice.objects.published().for_territory(territory).order_by("title")
    return [{"id": p.pk, "title": p.title, "summary": p.summary} for p in practices]
