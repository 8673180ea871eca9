"""Entry, dashboard, COPIL checkpoints, members and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consensus.models import Statement
from egts.models import Membership
from egts.rules import copil_territory_ids

from ..counts import territory_counts
from ..forms import AccountForInvitationForm, CheckpointForm, InvitationForm
from ..models import (
    STAGE_ORDER,
    Assise,
    AssiseStage,
    Checkpoint,
    Hypothesis,
    HypothesisReview,
    Invitation,
    TerritorialReport,
    WorkingGroup,
)
from ..services.workspace import (
    account_create_for_invitation,
    checkpoint_record,
    invitation_accept,
    invitation_by_token,
    invitation_create,
    membership_remove,
)
from .common import get_assise, require, workspace_context


@login_required
def home(request):
    """National team: the nine territories; COPIL: their workspace; facilitator: their groups."""
    user = request.user
    if not user.has_perm("egts.view_back_office"):
        raise PermissionDenied
    copil_ids = copil_territory_ids(user)
    if not user.is_national_team and len(copil_ids) == 1:
        assise = Assise.objects.select_related("territory").get(territory_id=next(iter(copil_ids)))
        return redirect("assises:dashboard", slug=assise.territory.slug)
    assises = list(
        Assise.objects.with_territory()
        if user.is_national_team
        else Assise.objects.with_territory().filter(territory_id__in=copil_ids)
    )
    counts = territory_counts([a.territory_id for a in assises])
    rows = [(a, counts[a.territory_id]) for a in assises]
    groups = WorkingGroup.objects.filter(facilitator=user).select_related("territory")
    return render(
        request,
        "assises/workspace/home.html",
        {
            "rows": rows,
            "groups": groups,
            "breadcrumb_data": {"links": [], "current": _("Espace des assises")},
        },
    )


def _attention(user, assise: Assise, counts: dict) -> list[dict]:
    """What the COPIL should look at next, each with a link."""
    slug = assise.territory.slug
    items = []
    pending = counts["contributions_pending"] + counts["practices_pending"]
    if pending:
        items.append(
            {
                "text": _("%(n)d contribution(s) ou pratique(s) en attente de modération")
                % {"n": pending},
                "url": reverse("assises:queue", args=[slug]),
            }
        )
    if counts["proposals_draft"]:
        items.append(
            {
                "text": _("%(n)d proposition(s) en brouillon à valider")
                % {"n": counts["proposals_draft"]},
                "url": reverse("assises:proposals", args=[slug]),
            }
        )
    unreviewed = (
        Hypothesis.objects.published()
        .exclude(
            pk__in=HypothesisReview.objects.filter(territory_id=assise.territory_id).values(
                "hypothesis_id"
            )
        )
        .count()
    )
    if unreviewed:
        items.append(
            {
                "text": _("%(n)d hypothèse(s) du pré-diagnostic à examiner") % {"n": unreviewed},
                "url": reverse("assises:reviews", args=[slug]),
            }
        )
    if not Checkpoint.objects.filter(territory_id=assise.territory_id, stage=assise.stage).exists():
        items.append(
            {
                "text": _("Aucune réunion du COPIL enregistrée pour l'étape « %(stage)s »")
                % {"stage": assise.get_stage_display()},
                "url": reverse("assises:checkpoints", args=[slug]),
            }
        )
    restitution_started = STAGE_ORDER.index(assise.stage) >= STAGE_ORDER.index(
        AssiseStage.RESTITUTION
    )
    if (
        restitution_started
        and not TerritorialReport.objects.filter(territory_id=assise.territory_id).exists()
    ):
        items.append(
            {
                "text": _("Le rapport territorial n'est pas encore soumis"),
                "url": reverse("assises:report", args=[slug]),
            }
        )
    return items


def _consensus_links(user, assise: Assise) -> dict | None:
    """The consensus pages of the territory's COPIL (paper tallies, statements to moderate);
    None for anyone else (the national team has its own entries)."""
    territory = assise.territory
    if not user.has_perm("consensus.add_papertally", territory):
        return None
    return {
        "paper_votes": reverse("consensus:paper-votes", args=[territory.slug]),
        "moderation": reverse("consensus:moderation"),
        "pending": Statement.objects.pending().filter(territory=territory).count(),
    }


@login_required
def dashboard(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    counts = territory_counts([assise.territory_id])[assise.territory_id]
    stages = [
        {"label": label, "done": STAGE_ORDER.index(code) < assise.stage_number - 1}
        for code, label in AssiseStage.choices
    ]
    next_stage = assise.next_stage
    context = workspace_context(request.user, assise, _("Tableau de bord"))
    context.update(
        {
            "counts": counts,
            "stages": stages,
            "stepper": {
                "current_step_id": assise.stage_number,
                "current_step_title": assise.get_stage_display(),
                "next_step_title": AssiseStage(next_stage).label if next_stage else "",
                "total_steps": len(STAGE_ORDER),
            },
            "attention": _attention(request.user, assise, counts),
            "last_checkpoint": Checkpoint.objects.filter(territory_id=assise.territory_id).first(),
            "consensus_links": _consensus_links(request.user, assise),
        }
    )
    return render(request, "assises/workspace/dashboard.html", context)


@login_required
def checkpoints(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    can_record = request.user.has_perm("assises.record_checkpoint", assise)
    form = CheckpointForm()
    if request.method == "POST":
        require(request.user, "assises.record_checkpoint", assise)
        form = CheckpointForm(request.POST)
        if form.is_valid():
            try:
                checkpoint_record(assise=assise, recorded_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Le point d'étape a été enregistré."))
                return redirect("assises:checkpoints", slug=slug)
    context = workspace_context(request.user, assise, _("Points d'étape du COPIL"))
    context.update(
        {
            "form": form,
            "can_record": can_record,
            "checkpoints": Checkpoint.objects.filter(
                territory_id=assise.territory_id
            ).select_related("recorded_by"),
        }
    )
    return render(request, "assises/workspace/checkpoints.html", context)


@login_required
def members(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    can_manage = request.user.has_perm("assises.manage_members", assise)
    form = InvitationForm()
    if request.method == "POST":
        require(request.user, "assises.manage_members", assise)
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation_create(
                    territory=assise.territory, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Une invitation a été envoyée à %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("assises:members", slug=slug)
    context = workspace_context(request.user, assise, _("Membres et rôles"))
    context.update(
        {
            "form": form,
            "can_manage": can_manage,
            "memberships": Membership.objects.filter(territory_id=assise.territory_id)
            .select_related("user")
            .order_by("role", "user__email"),
            "invitations": Invitation.objects.for_territory(assise.territory).open(),
        }
    )
    return render(request, "assises/workspace/members.html", context)


@login_required
@require_POST
def member_remove(request, slug, pk):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.view_assise", assise)
    membership = get_object_or_404(Membership, territory_id=assise.territory_id, pk=pk)
    require(request.user, "assises.manage_members", assise)
    try:
        membership_remove(membership=membership, removed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(user)s n'a plus de rôle dans ce territoire.") % {"user": membership.user}
        )
    return redirect("assises:members", slug=slug)


def invitation(request, token):
    """Accept an invitation: sign in to link an existing account, or create one."""
    invitation = invitation_by_token(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "assises/workspace/invitation_invalid.html", status=404)
    from egts.models import User

    existing = User.objects.filter(email__iexact=invitation.email).first()
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Bienvenue dans l'espace des assises."))
                return redirect("assises:home")
    elif existing is None:
        form = AccountForInvitationForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            user = account_create_for_invitation(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
            invitation_accept(invitation=invitation, user=user)
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(
                request, _("Votre compte est créé. Bienvenue dans l'espace des assises.")
            )
            return redirect("assises:home")
    return render(
        request,
        "assises/workspace/invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": existing is not None,
            "login_url": reverse("account_login") + "?next=" + request.path,
            "email_matches": request.user.is_authenticated
            and request.user.email.lower() == invitation.email,
        },
    )
