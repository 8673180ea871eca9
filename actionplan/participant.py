"""This app's part of the participant's space: what became of their contributions."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch

from assises.models import Proposal
from contributions.models import Contribution

from .models import FollowUpPreference, Measure


def wants_status_mail(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return FollowUpPreference.objects.filter(user=user, notify_measure_status=True).exists()


def contribution_outcomes(contributions) -> dict[int, list[dict]]:
    """{contribution id: [{proposal, measures}]} for published contributions, in three queries.

    Only forwarded proposals count: a draft is not yet something the platform did with
    what the participant said.
    """
    ids = [c.pk for c in contributions if c.status == "published"]
    if not ids:
        return {}
    through = Proposal.related_contributions.through
    links = list(
        through.objects.filter(contribution_id__in=ids, proposal__status="forwarded").values_list(
            "contribution_id", "proposal_id"
        )
    )
    proposals = {
        p.pk: p
        for p in Proposal.objects.filter(pk__in={pid for _cid, pid in links})
        .select_related("territory")
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.select_related("axis").order_by("id"))
        )
    }
    outcomes: dict[int, list[dict]] = defaultdict(list)
    for contribution_id, proposal_id in sorted(links):
        proposal = proposals[proposal_id]
        outcomes[contribution_id].append(
            {"proposal": proposal, "measures": list(proposal.measures.all())}
        )
    return dict(outcomes)


def my_outcomes(user) -> list[dict]:
    """The user's published contributions that fed a forwarded proposal, with what followed."""
    contributions = list(
        Contribution.objects.authored_by(user).published().order_by("-published_at", "-id")
    )
    outcomes = contribution_outcomes(contributions)
    return [
        {"contribution": c, "proposals": outcomes[c.pk]} for c in contributions if c.pk in outcomes
    ]


def export_preference(user) -> dict:
    return {"notify_measure_status": wants_status_mail(user)}
