"""Hypothesis reviews and proposals: the territories' contribution to the diagnosis."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from egts.models import Territory, User

from ..models import Hypothesis, HypothesisReview, Proposal, ProposalStatus, Verdict


@transaction.atomic
def hypothesis_review(
    *,
    hypothesis: Hypothesis,
    territory: Territory,
    reviewed_by: User,
    verdict: str,
    argument: str,
    refined_statement: str = "",
    supporting_contributions=None,
) -> HypothesisReview:
    """One review per hypothesis and territory: a second review replaces the first."""
    if verdict == Verdict.REFINED and not refined_statement.strip():
        raise ValidationError(
            {"refined_statement": [_("Indiquez la nouvelle formulation de l'hypothèse.")]}
        )
    review, _created = HypothesisReview.objects.update_or_create(
        hypothesis=hypothesis,
        territory=territory,
        defaults={
            "verdict": verdict,
            "argument": argument,
            "refined_statement": refined_statement if verdict == Verdict.REFINED else "",
            "reviewed_by": reviewed_by,
            "updated_at": timezone.now(),
        },
    )
    if supporting_contributions is not None:
        review.supporting_contributions.set(supporting_contributions)
    return review


@transaction.atomic
def proposal_save(
    *,
    proposal: Proposal,
    saved_by: User | None = None,
    contributions=None,
    practices=None,
) -> Proposal:
    if proposal.working_group_id and proposal.working_group.territory_id != proposal.territory_id:
        raise ValidationError({"working_group": [_("Ce groupe n'appartient pas au territoire.")]})
    if proposal.pk is None and saved_by is not None:
        proposal.created_by = saved_by
    proposal.full_clean()
    proposal.save()
    if contributions is not None:
        proposal.related_contributions.set(contributions)
    if practices is not None:
        proposal.related_practices.set(practices)
    return proposal


@transaction.atomic
def proposal_validate(*, proposal: Proposal, validated_by: User) -> Proposal:
    """The lead validates a draft; it joins the end of the COPIL's ranking."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.DRAFT:
        raise ValidationError({"status": [_("Seule une proposition en brouillon se valide.")]})
    last = (
        Proposal.objects.filter(territory_id=proposal.territory_id)
        .exclude(status=ProposalStatus.DRAFT)
        .aggregate(last=Max("rank"))["last"]
    )
    proposal.status = ProposalStatus.VALIDATED
    proposal.rank = (last or 0) + 1
    proposal.validated_by = validated_by
    proposal.validated_at = timezone.now()
    proposal.save(update_fields=["status", "rank", "validated_by", "validated_at"])
    return proposal


def _ranked(territory_id: int) -> list[Proposal]:
    return list(
        Proposal.objects.select_for_update()
        .filter(territory_id=territory_id)
        .exclude(status=ProposalStatus.DRAFT)
        .order_by("rank", "id")
    )


@transaction.atomic
def proposal_rank(*, proposal: Proposal, rank: int) -> list[Proposal]:
    """Put a validated proposal at ``rank`` (1-based) and renumber the others 1..n."""
    ranked = _ranked(proposal.territory_id)
    current = next((p for p in ranked if p.pk == proposal.pk), None)
    if current is None:
        raise ValidationError({"rank": [_("Seule une proposition validée peut être classée.")]})
    if not 1 <= rank <= len(ranked):
        raise ValidationError(
            {"rank": [_("Le rang doit être compris entre 1 et %(n)d.") % {"n": len(ranked)}]}
        )
    ranked.remove(current)
    ranked.insert(rank - 1, current)
    for position, item in enumerate(ranked, start=1):
        item.rank = position
    Proposal.objects.bulk_update(ranked, ["rank"])
    return ranked


@transaction.atomic
def proposal_move(*, proposal: Proposal, direction: str) -> list[Proposal]:
    """One step up or down the ranking; at either end nothing moves."""
    ranked = _ranked(proposal.territory_id)
    position = next((i for i, p in enumerate(ranked, start=1) if p.pk == proposal.pk), None)
    if position is None:
        raise ValidationError({"rank": [_("Seule une proposition validée peut être classée.")]})
    target = position - 1 if direction == "up" else position + 1
    target = min(max(target, 1), len(ranked))
    return proposal_rank(proposal=proposal, rank=target)


@transaction.atomic
def proposals_forward(*, territory: Territory, forwarded_by: User) -> int:
    """Send every validated proposal to the national team, in the COPIL's order."""
    return Proposal.objects.filter(territory=territory, status=ProposalStatus.VALIDATED).update(
        status=ProposalStatus.FORWARDED, forwarded_at=timezone.now()
    )
