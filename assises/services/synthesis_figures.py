"""The figures of the national synthesis, aggregated in SQL.

Every number is a ``values().annotate()`` GROUP BY: the query count does not depend on
the number of contributions, responses or practices, and no Python loop walks their rows.
What the report lists one by one is bounded: the first ``PROPOSALS_PER_THEME`` forwarded
proposals of each theme, the first ``PRACTICES_LISTED`` practices and ``CONVERGENCES_LISTED``
convergences, beside the totals; the catalogue and the CSV annex hold the rest. The
synthesis then costs the same time and memory at 5,000 proposals as at 50.
"""

from __future__ import annotations

from django.db.models import Count, F, Window
from django.db.models.functions import Lower, RowNumber, Trim

from consensus.reports import consensus_figures
from contributions.models import Contribution, ContributionSource, Questionnaire, Response
from contributions.results import questionnaire_results
from egts.models import ActorCategory, Policy, Territory, Theme
from practices.models import Practice

from ..models import (
    Hypothesis,
    HypothesisReview,
    Meeting,
    Proposal,
    ProposalStatus,
    TerritorialReport,
    WorkingGroup,
)
from .synthesis_topics import analysis_figures

INSPIRING_PER_THEME = 5
PROPOSALS_PER_THEME = 30
PRACTICES_LISTED = 100
CONVERGENCES_LISTED = 50


def _grouped(queryset, *fields, **aggregates) -> list[dict]:
    return list(queryset.values(*fields).annotate(**aggregates).order_by())


def _territory_rows() -> list[Territory]:
    return list(
        Territory.objects.select_related("theme", "policy")
        .prefetch_related("regions")
        .order_by("order")
    )


def _empty_territory(t: Territory) -> dict:
    return {
        "name": t.name,
        "contributions": 0,
        "contributions_online": 0,
        "contributions_offline": 0,
        "practices": 0,
        "responses": 0,
        "proposals": 0,
        "working_groups": 0,
        "meetings": 0,
    }


def _by_territory(territories, contributions, practices, forwarded) -> tuple[dict, dict, dict]:
    """(per territory, without territory, per source) counts: one GROUP BY per kind."""
    slug_of = {t.pk: t.slug for t in territories}
    by_territory = {t.slug: _empty_territory(t) for t in territories}
    national = {
        "contributions": 0,
        "contributions_online": 0,
        "contributions_offline": 0,
        "practices": 0,
        "responses": 0,
    }

    def add(territory_id, key: str, n: int) -> None:
        target = by_territory[slug_of[territory_id]] if territory_id in slug_of else national
        target[key] = target.get(key, 0) + n

    by_source: dict[str, int] = dict.fromkeys(ContributionSource.values, 0)
    for row in _grouped(contributions, "territory_id", "source", n=Count("id")):
        online = row["source"] == ContributionSource.ONLINE
        add(row["territory_id"], "contributions", row["n"])
        add(row["territory_id"], f"contributions_{'online' if online else 'offline'}", row["n"])
        by_source[row["source"]] = by_source.get(row["source"], 0) + row["n"]
    for key, queryset, field in (
        ("practices", practices, "territory_id"),
        ("responses", Response.objects.all(), "territory_id"),
        ("proposals", forwarded, "territory_id"),
        ("working_groups", WorkingGroup.objects.exclude(territory=None), "territory_id"),
        ("meetings", Meeting.objects.exclude(group__territory=None), "group__territory_id"),
    ):
        for row in _grouped(queryset, field, n=Count("id")):
            add(row[field], key, row["n"])
    return by_territory, national, by_source


def _by_theme(themes, contributions, practices, forwarded) -> dict[str, dict]:
    by_theme = {
        t.code: {"label": t.label, "contributions": 0, "practices": 0, "proposals": 0}
        for t in themes
    }
    for key, queryset in (("contributions", contributions), ("practices", practices)):
        for row in _grouped(queryset, "themes__code", n=Count("id")):
            if row["themes__code"] in by_theme:
                by_theme[row["themes__code"]][key] = row["n"]
    for row in _grouped(forwarded, "theme_id", n=Count("id")):
        by_theme[row["theme_id"]]["proposals"] = row["n"]
    return by_theme


def _by_actor_category(queryset) -> dict[str, int]:
    counts = dict.fromkeys(ActorCategory.values, 0)
    for row in _grouped(queryset, "actor_category", n=Count("id")):
        counts[row["actor_category"]] = row["n"]
    return counts


def _theme_policy(themes, policies, contributions, forwarded) -> dict[str, dict]:
    """Theme × policy: contributions and forwarded proposals per cell."""
    theme_policy = {
        t.code: {p.code: {"contributions": 0, "proposals": 0} for p in policies} for t in themes
    }
    for row in _grouped(
        contributions.filter(policies__isnull=False),
        "themes__code",
        "policies__code",
        n=Count("id"),
    ):
        cell = theme_policy.get(row["themes__code"], {}).get(row["policies__code"])
        if cell is not None:
            cell["contributions"] = row["n"]
    for row in _grouped(forwarded, "theme_id", "policy_id", n=Count("id")):
        theme_policy[row["theme_id"]][row["policy_id"]]["proposals"] = row["n"]
    return theme_policy


def synthesis_figures() -> dict:
    """A JSON-ready snapshot of everything the synthesis shows."""
    territories = _territory_rows()
    slug_of = {t.pk: t.slug for t in territories}
    themes = list(Theme.objects.order_by("order"))
    policies = list(Policy.objects.order_by("order"))
    contributions = Contribution.objects.published()
    practices = Practice.objects.published()
    forwarded = Proposal.objects.filter(status=ProposalStatus.FORWARDED)
    by_territory, national, by_source = _by_territory(
        territories, contributions, practices, forwarded
    )
    rows = list(by_territory.values())
    return {
        "contributions": sum(by_source.values()),
        "practices": sum(t["practices"] for t in rows) + national["practices"],
        "responses": sum(t["responses"] for t in rows) + national["responses"],
        "proposals": sum(t["proposals"] for t in rows),
        "by_territory": by_territory,
        "without_territory": national,
        "by_theme": _by_theme(themes, contributions, practices, forwarded),
        "by_actor_category": _by_actor_category(contributions),
        "responses_by_actor_category": _by_actor_category(Response.objects.all()),
        "by_source": by_source,
        "theme_policy": _theme_policy(themes, policies, contributions, forwarded),
        "policies": {p.code: p.label for p in policies},
        "territories": _territory_annex(territories),
        "hypotheses": _hypotheses(territories),
        "proposal_list": _forwarded_proposals(forwarded, slug_of),
        "convergences": _convergences(forwarded, slug_of),
        "inspiring_practices": _inspiring_practices(practices, themes, slug_of),
        "practice_list": _published_practices(practices, slug_of),
        "questionnaires": [
            questionnaire_results(questionnaire=q)
            for q in Questionnaire.objects.started().order_by("opens_at", "id")
        ],
        # The topics of the latest finished national analysis, frozen with the rest.
        "analysis": analysis_figures(),
        # The national consensus and divisive statements, as last computed (two queries).
        "consensus": consensus_figures(),
    }


def _territory_annex(territories: list[Territory]) -> list[dict]:
    reports = {
        row["territory_id"]: row["version"]
        for row in _grouped(TerritorialReport.objects.all(), "territory_id", version=Count("id"))
    }
    return [
        {
            "slug": t.slug,
            "name": t.name,
            "wave": t.get_wave_display(),
            "overseas": t.overseas,
            "regions": [r.name for r in t.regions.all()],
            "theme": t.theme.label if t.theme_id else "",
            "policy": t.policy.label if t.policy_id else "",
            "place": t.place,
            "assises_date": t.assises_date.isoformat() if t.assises_date else "",
            "dates_note": t.dates_note,
            "reports": reports.get(t.pk, 0),
        }
        for t in territories
    ]


def _hypotheses(territories: list[Territory]) -> list[dict]:
    verdicts: dict[int, dict[str, str]] = {}
    slug_of = {t.pk: t.slug for t in territories}
    for hypothesis_id, territory_id, verdict in HypothesisReview.objects.values_list(
        "hypothesis_id", "territory_id", "verdict"
    ):
        verdicts.setdefault(hypothesis_id, {})[slug_of.get(territory_id, "")] = verdict
    return [
        {
            "id": h["id"],
            "statement": h["statement"],
            "theme": h["theme_id"],
            "policy": h["policy_id"],
            "verdicts": verdicts.get(h["id"], {}),
        }
        for h in Hypothesis.objects.published()
        .order_by("theme__order", "id")
        .values("id", "statement", "theme_id", "policy_id")
    ]


PROPOSAL_FIELDS = (
    "id",
    "title",
    "description",
    "territory_id",
    "theme_id",
    "policy_id",
    "level",
    "owner",
    "priority",
    "deadline",
    "indicators",
)


def _forwarded_proposals(forwarded, slug_of: dict[int, str]) -> list[dict]:
    """The first ``PROPOSALS_PER_THEME`` of each theme, in their territories' ranking: one
    query (a window per theme), whatever the number forwarded."""
    ranking = [F("rank").asc(nulls_last=True), "id"]
    rows = (
        forwarded.annotate(
            place=Window(RowNumber(), partition_by=[F("theme_id")], order_by=ranking)
        )
        .filter(place__lte=PROPOSALS_PER_THEME)
        .order_by("theme__order", *ranking)
        .values(*PROPOSAL_FIELDS)
    )
    return [
        {
            **{k: v for k, v in row.items() if k not in ("territory_id", "deadline")},
            "territory": slug_of.get(row["territory_id"], ""),
            "deadline": row["deadline"].isoformat() if row["deadline"] else "",
        }
        for row in rows
    ]


def _convergences(forwarded, slug_of: dict[int, str]) -> list[dict]:
    """Proposals of the same theme and title carried by two territories or more, found by
    a GROUP BY (at most ``CONVERGENCES_LISTED``, those of the most territories first)."""
    keyed = forwarded.annotate(key=Lower(Trim("title")))
    groups = list(
        keyed.values("theme_id", "key")
        .annotate(territories=Count("territory_id", distinct=True))
        .filter(territories__gte=2)
        .order_by("-territories", "theme_id", "key")[:CONVERGENCES_LISTED]
    )
    if not groups:
        return []
    members: dict[tuple[str, str], list[dict]] = {}
    wanted = {(g["theme_id"], g["key"]) for g in groups}
    for row in (
        keyed.filter(key__in={g["key"] for g in groups})
        .order_by("id")
        .values("id", "title", "theme_id", "key", "territory_id")
    ):
        if (row["theme_id"], row["key"]) in wanted:
            members.setdefault((row["theme_id"], row["key"]), []).append(row)
    return [
        {
            "theme": g["theme_id"],
            "title": members[(g["theme_id"], g["key"])][0]["title"],
            "territories": sorted(
                {slug_of.get(m["territory_id"], "") for m in members[(g["theme_id"], g["key"])]}
            ),
            "proposal_ids": [m["id"] for m in members[(g["theme_id"], g["key"])]],
        }
        for g in groups
    ]


def _inspiring_practices(practices, themes: list[Theme], slug_of: dict[int, str]) -> dict:
    """Up to five published practices per theme, featured ones first: one query per theme."""
    result = {}
    for theme in themes:
        rows = (
            practices.filter(themes=theme)
            .order_by("-featured", "-published_at", "id")
            .values("id", "title", "summary", "organisation", "territory_id")[:INSPIRING_PER_THEME]
        )
        result[theme.code] = [
            {**row, "territory": slug_of.get(row.pop("territory_id"), "")} for row in rows
        ]
    return result


def _published_practices(practices, slug_of: dict[int, str]) -> list[dict]:
    """The first ``PRACTICES_LISTED`` (featured first, then the newest): the annex gives the
    totals per territory and points to the catalogue for the rest."""
    return [
        {
            "id": row["id"],
            "title": row["title"],
            "organisation": row["organisation"],
            "territory": slug_of.get(row["territory_id"], ""),
            "featured": row["featured"],
        }
        for row in practices.order_by("-featured", "-published_at", "id").values(
            "id", "title", "organisation", "territory_id", "featured"
        )[:PRACTICES_LISTED]
    ]
