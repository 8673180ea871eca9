"""The consensus results as the reports freeze them: the national synthesis and each
territorial report carry, per theme, the scope's consensus and divisive statements with
their counts (under 5 suppressed: the documents are public) and when they were computed.

Two queries whatever the number of statements and votes: the scope's computation, then its
consensus and divisive results with their statements and themes.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.formats import number_format

from egts.models import ActorCategory, Territory
from egts.moderation import ModerationStatus

from .models import StatementResult
from .results import computation_for, suppress

SUPPRESSED = "< 5"


def _count(n: int | None) -> str:
    return SUPPRESSED if n is None else number_format(n, force_grouping=True)


def _row(result: StatementResult, labels: dict[str, str]) -> dict:
    return {
        "id": result.statement_id,
        "text": result.statement.text,
        "votes": suppress(result.votes),
        "agree": suppress(result.agree),
        "disagree": suppress(result.disagree),
        "pass": suppress(result.passed),
        "consensus": result.consensus or None,
        "divisive": result.divisive,
        "far_apart": list(result.divisive_pair),
        "far_apart_labels": [labels.get(code, code) for code in result.divisive_pair],
    }


def consensus_figures(territory: Territory | None = None) -> dict | None:
    """JSON-ready consensus and divisive statements of a scope, by theme (in the themes'
    order, the most voted first); None while the scope's results were never computed."""
    computation = computation_for(territory)
    if computation is None or computation.computed_at is None:
        return None
    results = (
        computation.results.filter(statement__status=ModerationStatus.PUBLISHED)
        .filter(~Q(consensus="") | Q(divisive=True))
        .select_related("statement__theme")
        .annotate(total=F("agree") + F("disagree") + F("passed"))
        .order_by("statement__theme__order", "-total", "statement_id")
    )
    labels = {code: str(label) for code, label in ActorCategory.choices}
    by_theme: dict[str, dict] = {}
    for result in results:
        theme = result.statement.theme
        section = by_theme.setdefault(
            theme.code,
            {"code": theme.code, "label": theme.label, "consensus": [], "divisive": []},
        )
        row = _row(result, labels)
        if row["consensus"]:
            section["consensus"].append(row)
        if row["divisive"]:
            section["divisive"].append(row)
    themes = list(by_theme.values())
    return {
        "computed_at": computation.computed_at.isoformat(),
        "consensus_count": sum(len(t["consensus"]) for t in themes),
        "divisive_count": sum(len(t["divisive"]) for t in themes),
        "by_theme": themes,
    }


def consensus_display(frozen: dict | None) -> dict | None:
    """Frozen consensus figures as the synthesis shows them: counts grouped by thousands,
    the suppressed ones (``None``) read "< 5"."""
    if not frozen:
        return None

    def rows(items: list[dict]) -> list[dict]:
        return [
            {**item, **{k: _count(item[k]) for k in ("votes", "agree", "disagree", "pass")}}
            for item in items
        ]

    return {
        **frozen,
        "by_theme": [
            {**t, "consensus": rows(t["consensus"]), "divisive": rows(t["divisive"])}
            for t in frozen["by_theme"]
        ],
    }
