"""Public pages of the action plan (the plan, a measure, its CSV) and the participant's
opt-in to status e-mails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assises.models import Proposal
from contributions.models import Contribution
from egts.csv_export import csv_response
from practices.models import Practice

from .. import forms, services
from ..models import IndicatorValue, Measure, ProgressUpdate
from .common import _plan_link, _proposals_prefetch, origins, plan_axes


@require_GET
def plan(request):
    return render(
        request,
        "actionplan/plan.html",
        {
            "axes": plan_axes(),
            "summary": Measure.objects.plan_progress(),
            "can_manage": request.user.has_perm("actionplan.add_measure"),
            "breadcrumb_data": {"links": [], "current": _("Plan d'action national")},
        },
    )


def _updates_prefetch() -> Prefetch:
    return Prefetch(
        "updates",
        queryset=ProgressUpdate.objects.prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.select_related("indicator"))
        ),
    )


@require_GET
def measure_detail(request, pk: int):
    measure = get_object_or_404(
        Measure.objects.select_related("axis").prefetch_related(
            _proposals_prefetch(), "indicators", _updates_prefetch()
        ),
        pk=pk,
    )
    proposals = list(measure.proposals.all())
    proposal_ids = [p.pk for p in proposals]
    contributions = (
        Contribution.objects.published()
        .filter(
            pk__in=Proposal.related_contributions.through.objects.filter(
                proposal_id__in=proposal_ids
            ).values("contribution_id")
        )
        .select_related("territory")
        .order_by("-published_at", "-id")
    )
    practices = (
        Practice.objects.published()
        .filter(
            pk__in=Proposal.related_practices.through.objects.filter(
                proposal_id__in=proposal_ids
            ).values("practice_id")
        )
        .select_related("territory")
        .order_by("title")
    )
    return render(
        request,
        "actionplan/measure_detail.html",
        {
            "measure": measure,
            "proposals": proposals,
            "indicators": list(measure.indicators.all()),
            "updates": list(measure.updates.all()),
            "contributions": list(contributions),
            "practices": list(practices),
            "can_manage": request.user.has_perm("actionplan.change_measure", measure),
            **origins(proposals),
            "breadcrumb_data": {"links": [_plan_link()], "current": measure.title},
        },
    )


CSV_HEADER = [
    "Axe",
    "Identifiant de la mesure",
    "Mesure",
    "Statut",
    "Avancement (%)",
    "Pilote",
    "Partenaires",
    "Échéance",
    "Budget (€)",
    "Indicateurs",
    "Territoires d'origine",
    "Codes des territoires",
    "Thèmes",
    "Codes des thèmes",
    "Propositions d'origine (identifiants)",
]


def plan_csv_rows():
    measures = (
        Measure.objects.select_related("axis")
        .prefetch_related(_proposals_prefetch(), "indicators")
        .order_by("axis__order", "axis_id", "order", "id")
    )
    yield CSV_HEADER
    for measure in measures.iterator(chunk_size=200):
        found = origins(measure.proposals.all())
        indicators = " | ".join(
            f"{i.label}: {i.current_value if i.current_value is not None else ''}"
            f"/{i.target_value}{(' ' + i.unit) if i.unit else ''}"
            for i in measure.indicators.all()
        )
        yield [
            measure.axis.title,
            measure.pk,
            measure.title,
            measure.get_status_display(),
            measure.progress,
            measure.owner,
            measure.partners,
            measure.deadline,
            number_format(measure.budget) if measure.budget is not None else "",
            indicators,
            " | ".join(t.name for t in found["territories"]),
            " | ".join(t.slug for t in found["territories"]),
            " | ".join(t.label for t in found["themes"]),
            " | ".join(t.code for t in found["themes"]),
            " | ".join(str(p.pk) for p in measure.proposals.all()),
        ]


@require_GET
def plan_csv(request):
    rows = plan_csv_rows()
    header = next(rows)
    return csv_response(header, rows, "plan-d-action-egts.csv")


@login_required
@require_POST
def preference_update(request):
    form = forms.PreferenceForm(request.POST)
    form.is_valid()  # a single optional checkbox: always valid
    notify = bool(form.cleaned_data.get("notify_measure_status"))
    services.follow_up_preference_set(user=request.user, notify_measure_status=notify)
    messages.success(
        request,
        _("Vous serez prévenu par courriel des changements de statut des mesures.")
        if notify
        else _("Vous ne recevrez plus de courriel sur les mesures."),
    )
    return redirect(reverse("participant-space") + "#suivi-contributions")
