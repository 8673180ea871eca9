"""The territorial report (restitution): assembled from live data, frozen on submission."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from consensus.reports import consensus_figures
from egts.models import ActorCategory, Territory, Theme, User
from egts.pdf import render_pdf

from ..counts import territory_counts
from ..models import (
    Assise,
    Hypothesis,
    HypothesisReview,
    Meeting,
    Proposal,
    TerritorialReport,
)
from .synthesis_report import topics_context
from .synthesis_topics import analysis_figures


def _reviewed_hypotheses(territory: Territory) -> list[dict]:
    """Every published hypothesis with this territory's verdict on it (blank if none)."""
    hypotheses = Hypothesis.objects.published().select_related("theme", "policy")
    reviews = {r.hypothesis_id: r for r in HypothesisReview.objects.filter(territory=territory)}
    rows = []
    for h in hypotheses:
        review = reviews.get(h.pk)
        rows.append(
            {
                "statement": h.statement,
                "theme": h.theme.label,
                "policy": h.policy.label,
                "verdict": review.get_verdict_display() if review else "",
                "argument": review.argument if review else "",
                "refined_statement": review.refined_statement if review else "",
            }
        )
    return rows


def _attendance(territory: Territory) -> list[dict]:
    """People who attended the territory's meetings, per actor category (present ones)."""
    attendance: dict[str, int] = {}
    for meeting in Meeting.objects.filter(group__territory=territory).only("attendance"):
        for code, n in meeting.attendance.items():
            attendance[code] = attendance.get(code, 0) + n
    return [
        {"category": str(label), "count": attendance[code]}
        for code, label in ActorCategory.choices
        if attendance.get(code)
    ]


def _recommendations(territory: Territory) -> list[dict]:
    proposals = (
        Proposal.objects.filter(territory=territory)
        .ranked()
        .select_related("theme", "policy", "working_group")
    )
    return [
        {
            "rank": p.rank,
            "title": p.title,
            "description": p.description,
            "theme": p.theme.label,
            "policy": p.policy.label,
            "level": p.get_level_display(),
            "owner": p.owner,
            "priority": p.get_priority_display(),
            "deadline": p.deadline.isoformat() if p.deadline else "",
            "indicators": p.indicators,
            "working_group": p.working_group.name if p.working_group else "",
        }
        for p in proposals
    ]


def report_content(*, territory: Territory) -> dict:
    """JSON-ready content of the three parts the national template imposes."""
    assise = Assise.objects.with_territory().get(territory=territory)
    counts = territory_counts([territory.pk])[territory.pk]
    return {
        "territory": {"slug": territory.slug, "name": territory.name},
        "theme": assise.territory.theme.label,
        "policy": assise.territory.policy.label,
        "place": territory.place,
        "assises_date": territory.assises_date.isoformat() if territory.assises_date else "",
        "dates_note": territory.dates_note,
        "diagnosis": {
            "hypotheses": _reviewed_hypotheses(territory),
            "figures": {
                "contributions": counts["contributions_published"],
                "practices": counts["practices_published"],
                "responses": counts["responses"],
                "working_groups": counts["working_groups"],
                "meetings": Meeting.objects.filter(group__territory=territory).count(),
            },
            "attendance": _attendance(territory),
        },
        "practices": _inspiring_practices(territory),
        # The latest finished analysis of the territory's own texts, frozen on submission.
        "analysis": analysis_figures(territory=territory),
        "recommendations": _recommendations(territory),
        # The territory's consensus and divisive statements as last computed (two queries).
        "consensus": consensus_figures(territory),
    }


def _inspiring_practices(territory: Territory) -> list[dict]:
    from ..integration import published_practices

    return published_practices(territory)


def report_topics(content: dict) -> dict | None:
    """What the report templates show of its frozen topics (None before any analysis, and
    for the versions submitted before topics were carried into the report)."""
    if not content.get("analysis"):
        return None
    return topics_context(content["analysis"], dict(Theme.objects.values_list("code", "label")))


def report_pdf(*, content: dict, version: int | None = None) -> bytes:
    return render_pdf(
        "assises/pdf/report.html",
        {
            "report": content,
            "version": version,
            "report_analysis": report_topics(content),
            "annex_url": reverse("assises:report-topics-csv", args=[content["territory"]["slug"]]),
        },
    )


@transaction.atomic
def report_submit(*, territory: Territory, validated_by: User) -> TerritorialReport:
    """Freeze the current content and its PDF as the next version."""
    # Lock the assise so two submissions cannot take the same version number.
    Assise.objects.select_for_update().get(territory=territory)
    last = TerritorialReport.objects.filter(territory=territory).aggregate(v=Max("version"))["v"]
    version = (last or 0) + 1
    content = report_content(territory=territory)
    report = TerritorialReport(
        territory=territory,
        version=version,
        content=content,
        validated_by=validated_by,
        submitted_at=timezone.now(),
    )
    pdf = report_pdf(content=content, version=version)
    report.pdf.save(f"rapport-{territory.slug}-v{version}.pdf", ContentFile(pdf), save=False)
    report.save()
    return report
