"""Proposals (levers of action) and the territorial report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egts.csv_export import csv_response
from egts.models import Theme

from ..forms import ProposalForm, RankForm
from ..models import Assise, Proposal, ProposalStatus, TerritorialReport, WorkingGroup
from ..services.proposals import (
    proposal_move,
    proposal_rank,
    proposal_save,
    proposal_validate,
    proposals_forward,
)
from ..services.report import report_content, report_pdf, report_submit, report_topics
from ..services.synthesis_topics import CSV_HEADER, analysis_figures, topic_annex_rows
from .common import get_assise, require, workspace_context


@login_required
def proposal_list(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    proposals = Proposal.objects.filter(territory_id=assise.territory_id).select_related(
        "theme", "policy", "working_group"
    )
    context = workspace_context(request.user, assise, _("Propositions"))
    context.update(
        {
            "drafts": proposals.filter(status=ProposalStatus.DRAFT).order_by("created_at", "id"),
            "ranked": proposals.ranked(),
            "can_validate": request.user.has_perm("assises.validate_proposal", assise),
            "can_rank": request.user.has_perm("assises.rank_proposal", assise),
            "can_forward": request.user.has_perm("assises.forward_proposal", assise),
            "can_add": request.user.has_perm("assises.add_proposal", assise),
            "has_validated": proposals.filter(status=ProposalStatus.VALIDATED).exists(),
        }
    )
    return render(request, "assises/workspace/proposal_list.html", context)


def _proposal_page(request, *, proposal: Proposal, group: WorkingGroup | None, title: str):
    groups = WorkingGroup.objects.visible_to(request.user).filter(
        territory_id=proposal.territory_id
    )
    form = ProposalForm(
        request.POST or None, instance=proposal, groups=groups, territory=proposal.territory
    )
    if group is not None:
        form.fields["working_group"].queryset = groups.filter(pk=group.pk)
        form.fields["working_group"].initial = group.pk
        form.fields["working_group"].required = True
    if request.method == "POST" and form.is_valid():
        proposal = form.save(commit=False)
        try:
            proposal_save(
                proposal=proposal,
                saved_by=request.user,
                contributions=form.cleaned_data["related_contributions"],
                practices=form.cleaned_data["related_practices"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La proposition est enregistrée."))
            return redirect(proposal.get_absolute_url())
    context = _proposal_context(request.user, proposal, title)
    context.update({"form": form, "title": title})
    return render(request, "assises/workspace/form.html", context)


def _proposal_context(user, proposal: Proposal, current: str) -> dict:
    if user.has_perm("assises.view_assise", proposal):
        assise = Assise.objects.with_territory().get(territory_id=proposal.territory_id)
        return workspace_context(
            user,
            assise,
            current,
            parents=[
                (reverse("assises:proposals", args=[assise.territory.slug]), _("Propositions"))
            ],
        )
    links = [{"url": reverse("assises:home"), "title": _("Espace des assises")}]
    if proposal.working_group_id:
        group = proposal.working_group
        links.append({"url": group.get_absolute_url(), "title": str(group)})
    return {"breadcrumb_data": {"links": links, "current": current}}


@login_required
def proposal_create(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.add_proposal", assise)
    proposal = Proposal(territory=assise.territory)
    return _proposal_page(request, proposal=proposal, group=None, title=_("Nouvelle proposition"))


@login_required
def group_proposal_create(request, pk):
    group = get_object_or_404(
        WorkingGroup.objects.visible_to(request.user).filter(territory__isnull=False), pk=pk
    )
    require(request.user, "assises.add_proposal", group)
    proposal = Proposal(territory_id=group.territory_id, working_group=group)
    return _proposal_page(request, proposal=proposal, group=group, title=_("Nouvelle proposition"))


def _get_proposal(user, pk) -> Proposal:
    return get_object_or_404(
        Proposal.objects.visible_to(user).select_related(
            "theme", "policy", "working_group__facilitator", "territory"
        ),
        pk=pk,
    )


@login_required
def proposal_detail(request, pk):
    proposal = _get_proposal(request.user, pk)
    require(request.user, "assises.view_proposal", proposal)
    context = _proposal_context(request.user, proposal, proposal.title)
    context.update(
        {
            "proposal": proposal,
            "can_change": request.user.has_perm("assises.change_proposal", proposal),
            "can_draw_statement": request.user.has_perm(
                "consensus.publish_statement", proposal.territory
            ),
            "can_validate": proposal.status == ProposalStatus.DRAFT
            and request.user.has_perm("assises.validate_proposal", proposal),
        }
    )
    return render(request, "assises/workspace/proposal_detail.html", context)


@login_required
def proposal_edit(request, pk):
    proposal = _get_proposal(request.user, pk)
    require(request.user, "assises.change_proposal", proposal)
    return _proposal_page(
        request, proposal=proposal, group=None, title=_("Modifier la proposition")
    )


@login_required
@require_POST
def proposal_validate_view(request, pk):
    proposal = _get_proposal(request.user, pk)
    require(request.user, "assises.validate_proposal", proposal)
    try:
        proposal_validate(proposal=proposal, validated_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("La proposition « %(title)s » est validée.") % {"title": proposal}
        )
    return redirect("assises:proposals", slug=proposal.territory.slug)


def _ranking_answer(request, proposal: Proposal, ranked: list[Proposal]):
    """JSON for the enhanced page, a redirect to the list otherwise."""
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"order": [p.pk for p in ranked]})
    return redirect(
        reverse("assises:proposals", args=[proposal.territory.slug]) + f"#proposition-{proposal.pk}"
    )


@login_required
@require_POST
def proposal_move_view(request, pk):
    proposal = _get_proposal(request.user, pk)
    require(request.user, "assises.rank_proposal", proposal)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(_("Direction inconnue."), status=400)
    try:
        ranked = proposal_move(proposal=proposal, direction=direction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assises:proposals", slug=proposal.territory.slug)
    return _ranking_answer(request, proposal, ranked)


@login_required
@require_POST
def proposal_rank_view(request, pk):
    proposal = _get_proposal(request.user, pk)
    require(request.user, "assises.rank_proposal", proposal)
    form = RankForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez un rang valide."))
        return redirect("assises:proposals", slug=proposal.territory.slug)
    try:
        ranked = proposal_rank(proposal=proposal, rank=form.cleaned_data["rank"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assises:proposals", slug=proposal.territory.slug)
    return _ranking_answer(request, proposal, ranked)


@login_required
@require_POST
def proposals_forward_view(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.forward_proposal", assise)
    n = proposals_forward(territory=assise.territory, forwarded_by=request.user)
    messages.success(
        request, _("%(n)d proposition(s) transmise(s) à l'équipe nationale.") % {"n": n}
    )
    return redirect("assises:proposals", slug=slug)


@login_required
def report(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    context = workspace_context(request.user, assise, _("Rapport territorial"))
    content = report_content(territory=assise.territory)
    context.update(
        {
            "report": content,
            "report_analysis": report_topics(content),
            "annex_url": reverse("assises:report-topics-csv", args=[slug]),
            "versions": TerritorialReport.objects.for_territory(assise.territory).select_related(
                "validated_by"
            ),
            "can_submit": request.user.has_perm("assises.submit_report", assise),
        }
    )
    return render(request, "assises/workspace/report.html", context)


@login_required
@require_POST
def report_submit_view(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.submit_report", assise)
    if request.POST.get("confirm") != "on":
        messages.error(request, _("Cochez la case pour valider le rapport avant de le soumettre."))
        return redirect("assises:report", slug=slug)
    submitted = report_submit(territory=assise.territory, validated_by=request.user)
    messages.success(
        request,
        _("La version %(version)d du rapport est validée et transmise.")
        % {"version": submitted.version},
    )
    return redirect("assises:report", slug=slug)


@login_required
def report_draft_pdf(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    pdf = report_pdf(content=report_content(territory=assise.territory))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapport-{slug}-projet.pdf"'
    return response


@login_required
def report_version_pdf(request, slug, version):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    submitted = TerritorialReport.objects.filter(
        territory_id=assise.territory_id, version=version
    ).first()
    if submitted is None:
        raise Http404
    return FileResponse(
        submitted.pdf.open("rb"),
        as_attachment=True,
        filename=f"rapport-{slug}-v{version}.pdf",
        content_type="application/pdf",
    )


@login_required
def report_topics_csv(request, slug, version=None):
    """The territory's topic → contribution mapping: of the latest finished run for the
    draft, of the frozen run for a submitted version. COPIL of the territory and national
    team only (get_assise refuses the others)."""
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    if version is None:
        frozen = analysis_figures(territory=assise.territory)
        name = f"rapport-{slug}-projet-annexe-themes.csv"
    else:
        submitted = (
            TerritorialReport.objects.filter(territory_id=assise.territory_id, version=version)
            .only("content")
            .first()
        )
        if submitted is None:
            raise Http404
        frozen = submitted.content.get("analysis")
        name = f"rapport-{slug}-v{version}-annexe-themes.csv"
    labels = dict(Theme.objects.values_list("code", "label"))
    return csv_response(CSV_HEADER, topic_annex_rows(frozen, labels), name)
