"""Results: counts by statement × actor category (online votes and paper tallies, summed
in SQL), the consensus and divisiveness rule, and their public, suppressed form.

The rule (shared/API.md): an actor category *counts* for a statement when it has at least
``MIN_VOTES`` votes. A statement is a consensus when at least ``MIN_CATEGORIES`` categories
count and, in every one of them, at least ``CONSENSUS_SHARE`` % of the non-pass votes agree
("agree") or disagree ("disagree"). It is divisive when the agree shares of two counting
categories differ by ``DIVISIVE_GAP`` points or more.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from egts.models import ActorCategory, Territory

from .models import (
    NATIONAL_SCOPE,
    Computation,
    PaperTally,
    Statement,
    StatementResult,
    Vote,
    VoteChoice,
)

MIN_VOTES = 5
MIN_CATEGORIES = 4
CONSENSUS_SHARE = 60
DIVISIVE_GAP = 40
SUPPRESSION_THRESHOLD = 5


def suppress(count: int) -> int | None:
    return None if count < SUPPRESSION_THRESHOLD else count


def scope_of(territory: Territory | None) -> str:
    return territory.slug if territory is not None else NATIONAL_SCOPE


def agree_share(agree: int, disagree: int) -> Fraction | None:
    """The share of agree among non-pass votes; None when there is no non-pass vote."""
    return Fraction(agree, agree + disagree) if agree + disagree else None


def verdict(by_category: dict[str, list[int]]) -> tuple[str, bool, list[str]]:
    """(consensus "agree"|"disagree"|"", divisive, the two categories furthest apart)."""
    counting = {code: c for code, c in by_category.items() if sum(c) >= MIN_VOTES}
    shares = {code: agree_share(c[0], c[1]) for code, c in counting.items()}
    consensus = ""
    if len(counting) >= MIN_CATEGORIES and all(s is not None for s in shares.values()):
        threshold = Fraction(CONSENSUS_SHARE, 100)
        if all(s >= threshold for s in shares.values()):
            consensus = VoteChoice.AGREE
        elif all(1 - s >= threshold for s in shares.values()):
            consensus = VoteChoice.DISAGREE
    known = {code: s for code, s in shares.items() if s is not None}
    if len(known) < 2:
        return consensus, False, []
    low = min(known, key=lambda code: (known[code], code))
    high = max(known, key=lambda code: (known[code], code))
    divisive = known[high] - known[low] >= Fraction(DIVISIVE_GAP, 100)
    return consensus, divisive, [high, low] if divisive else []


def _statements_in(territory: Territory | None):
    statements = Statement.objects.published()
    if territory is not None:
        statements = statements.filter(Q(territory__isnull=True) | Q(territory=territory))
    return statements


def count_votes(territory: Territory | None) -> dict[int, dict[str, list[int]]]:
    """{statement id: {category: [agree, disagree, pass, paper]}}, two grouped queries."""
    statements = _statements_in(territory).values("pk")
    online = Vote.objects.filter(statement__in=statements)
    paper = PaperTally.objects.filter(statement__in=statements)
    if territory is not None:
        online = online.filter(territory=territory)
        paper = paper.filter(territory=territory)
    counts: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * 4))
    online_rows = online.values_list("statement_id", "actor_category").annotate(
        agree=Count("pk", filter=Q(vote=VoteChoice.AGREE)),
        disagree=Count("pk", filter=Q(vote=VoteChoice.DISAGREE)),
        passed=Count("pk", filter=Q(vote=VoteChoice.PASS)),
    )
    for statement_id, category, agree, disagree, passed in online_rows.order_by():
        cell = counts[statement_id][category]
        cell[0], cell[1], cell[2] = cell[0] + agree, cell[1] + disagree, cell[2] + passed
    paper_rows = paper.values_list("statement_id", "actor_category").annotate(
        agree_sum=Sum("agree"), disagree_sum=Sum("disagree"), passed_sum=Sum("passed")
    )
    for statement_id, category, agree, disagree, passed in paper_rows.order_by():
        cell = counts[statement_id][category]
        cell[0], cell[1], cell[2] = cell[0] + agree, cell[1] + disagree, cell[2] + passed
        cell[3] += agree + disagree + passed
    return counts


def _result_row(computation, statement_id, by_category) -> StatementResult:
    consensus, divisive, pair = verdict({code: c[:3] for code, c in by_category.items()})
    return StatementResult(
        computation=computation,
        statement_id=statement_id,
        agree=sum(c[0] for c in by_category.values()),
        disagree=sum(c[1] for c in by_category.values()),
        passed=sum(c[2] for c in by_category.values()),
        paper_votes=sum(c[3] for c in by_category.values()),
        by_actor_category={code: c[:3] for code, c in sorted(by_category.items())},
        consensus=consensus,
        divisive=divisive,
        divisive_pair=pair,
    )


@transaction.atomic
def results_compute(*, territory: Territory | None) -> Computation:
    """Recompute and store one scope's results; only a Celery task calls it."""
    from .groups import opinion_groups

    computation, _created = Computation.objects.select_for_update().get_or_create(
        scope=scope_of(territory), defaults={"territory": territory}
    )
    counts = count_votes(territory)
    computation.results.all().delete()
    StatementResult.objects.bulk_create(
        [_result_row(computation, sid, by_cat) for sid, by_cat in counts.items()],
        batch_size=1000,
    )
    computation.groups = opinion_groups(territory=territory)
    computation.computed_at = timezone.now()
    computation.error = ""
    computation.save(update_fields=["groups", "computed_at", "error"])
    return computation


# --- Public output ----------------------------------------------------------------------


def public_counts(counts: list[int] | tuple[int, ...]) -> dict[str, int | None]:
    return {
        "agree": suppress(counts[0]),
        "disagree": suppress(counts[1]),
        "pass": suppress(counts[2]),
    }


def public_result(result: StatementResult | None, computation: Computation | None) -> dict:
    """A statement's results as the API and the pages show them: counts under 5 are null."""
    by_category: dict[str, dict | None] = {code: None for code in ActorCategory.values}
    if result is None:
        return {
            "votes": suppress(0),
            "overall": public_counts((0, 0, 0)),
            "by_actor_category": by_category,
            "consensus": None,
            "divisive": False,
            "far_apart": [],
            "computed_at": computation.computed_at if computation else None,
        }
    for code, counts in result.by_actor_category.items():
        if sum(counts) >= SUPPRESSION_THRESHOLD:
            by_category[code] = public_counts(counts)
    return {
        "votes": suppress(result.votes),
        "overall": public_counts((result.agree, result.disagree, result.passed)),
        "by_actor_category": by_category,
        "paper_votes": suppress(result.paper_votes),
        "consensus": result.consensus or None,
        "divisive": result.divisive,
        "far_apart": result.divisive_pair,
        "computed_at": computation.computed_at,
    }


def computation_for(territory: Territory | None) -> Computation | None:
    return Computation.objects.filter(scope=scope_of(territory)).first()


def statement_result(statement: Statement, territory: Territory | None = None) -> dict:
    computation = computation_for(territory)
    result = None
    if computation is not None:
        result = computation.results.filter(statement=statement).first()
    return public_result(result, computation)


def scope_summary(computation: Computation | None, *, theme=None) -> list[StatementResult]:
    """The scope's results on published statements (of a theme), most voted first."""
    if computation is None:
        return []
    rows = computation.results.filter(statement__status="published").select_related(
        "statement__theme"
    )
    if theme is not None:
        rows = rows.filter(statement__theme=theme)
    return sorted(rows, key=lambda row: (-row.votes, row.statement_id))


def public_groups(computation: Computation | None, *, theme=None) -> list[dict]:
    """Opinion groups with every count under 5 suppressed; with a theme, only its statements."""
    if computation is None or not computation.groups:
        return []
    kept = None
    if theme is not None:
        kept = set(Statement.objects.published().filter(theme=theme).values_list("pk", flat=True))
    return [
        {
            "id": group["id"],
            "size": suppress(group["size"]),
            "by_actor_category": {
                code: suppress(n) for code, n in group["by_actor_category"].items()
            },
            "statements": [
                item for item in group["statements"] if kept is None or item["statement"] in kept
            ],
        }
        for group in computation.groups
    ]
