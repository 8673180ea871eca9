"""Public pages of contributions: list, detail, submission, edit, moderation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from analysis.services.screening import moderation_page_screening
from egts import ratelimit
from egts.cache import public_page
from egts.moderation import Flag, ModerationError, ModerationStatus
from egts.pagination import BoundedPaginator

from .. import forms, pages, services
from ..filters import ContributionFilter
from ..models import Contribution
from ..similar import similar_contributions
from .common import participant_space_url, too_large

PAGE_SIZE = 20


# --- Contributions ----------------------------------------------------------------------


def _card(contribution: Contribution) -> dict:
    """A DSFR card for the public list: moderated text, territory, themes; never the author."""
    place = (
        contribution.department.name
        if contribution.department
        else (contribution.territory.name if contribution.territory else _("National"))
    )
    return {
        "title": contribution.title,
        "description": contribution.public_body,
        "link": contribution.get_absolute_url(),
        "heading_tag": "h3",
        "top_detail": {
            "detail": {
                "text": f"{contribution.get_kind_display()} · {place}",
                "icon_class": "fr-icon-map-pin-2-line",
            },
            "badges": [
                {"label": theme.label, "extra_classes": "fr-badge--sm fr-badge--blue-ecume"}
                for theme in contribution.themes.all()
            ],
        },
        "bottom_detail": {"text": contribution.get_actor_category_display()},
    }


@public_page(tags=pages.list_tags)
def contribution_list(request):
    # Invalid filters are shown in error beside their field, and ignored.
    filterset = ContributionFilter(
        request.GET or None, queryset=Contribution.objects.published(), request=request
    )
    contributions = filterset.qs.with_references()
    paginator = BoundedPaginator(contributions, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return render(
        request,
        "contributions/contribution_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "cards": [_card(c) for c in page.object_list],
            "is_filtered": filterset.is_filtered,
            "breadcrumb_data": {"links": [], "current": _("Contributions")},
        },
    )


@public_page(tags=pages.detail_tags)
def contribution_detail(request, pk: int):
    contribution = get_object_or_404(
        Contribution.objects.visible_to(request.user).with_references(), pk=pk
    )
    user = request.user
    return render(
        request,
        "contributions/contribution_detail.html",
        {
            "contribution": contribution,
            "can_see_status": user.has_perm("contributions.view_status_contribution", contribution),
            "can_edit": user.has_perm("contributions.change_contribution", contribution),
            "can_moderate": user.has_perm("contributions.moderate_contribution", contribution),
            "breadcrumb_data": {
                "links": [{"url": reverse("contributions:list"), "title": _("Contributions")}],
                "current": contribution.title,
            },
        },
    )


def _render_form(request, form, *, contribution=None, status=200, alert="", similar=None):
    editing = contribution is not None
    title = _("Modifier ma contribution") if editing else _("Contribuer")
    return render(
        request,
        "contributions/contribution_form.html",
        {
            "form": form,
            "contribution": contribution,
            "page_heading": title,
            "alert": alert,
            # None: not looked up yet (the script fills the panel as one types).
            "similar": similar,
            "breadcrumb_data": {
                "links": [{"url": reverse("contributions:list"), "title": _("Contributions")}],
                "current": title,
            },
        },
        status=status,
    )


# What the participant is told was seen, in the words of the flags (names are found
# later, by the screening task: the message names only what the submission saw).
FLAG_WORDS = {
    Flag.EMAIL: _lazy("une adresse électronique"),
    Flag.PHONE: _lazy("un numéro de téléphone"),
    Flag.NAME: _lazy("le nom d'une personne"),
    Flag.ADDRESS: _lazy("une adresse postale"),
    Flag.BIRTH_DATE: _lazy("une date de naissance"),
}


def _flag_message(request, contribution: Contribution) -> None:
    seen = [str(FLAG_WORDS[flag]) for flag in Flag if flag.value in contribution.flags]
    if not seen:
        return
    listed = seen[0] if len(seen) == 1 else ", ".join(seen[:-1]) + _(" et ") + seen[-1]
    messages.warning(
        request,
        _(
            "Votre texte semble contenir %(what)s : la modération les retirera avant toute "
            "publication."
        )
        % {"what": listed},
    )


# The name of the form's secondary button (the look-up without JavaScript).
SIMILAR_BUTTON = "voir_proches"


@login_required
@require_http_methods(["GET", "POST"])
def contribution_submit(request):
    user = request.user
    if request.method == "GET":
        form = forms.ContributionForm(
            initial={"actor_category": user.actor_category, "department": user.department_id}
        )
        return _render_form(request, form)
    form = forms.ContributionForm(request.POST)
    if too_large(request):
        form.is_valid()
        return _render_form(
            request,
            form,
            status=413,
            alert=_("Votre envoi est trop volumineux : raccourcissez-le."),
        )
    if SIMILAR_BUTTON in request.POST:
        # "Voir les contributions proches", for those without JavaScript: the same form
        # again with what was typed, and the list; nothing is saved or checked yet.
        found = similar_contributions(form.text_for_similar())
        return _render_form(request, form.unchecked_copy(), similar=found)
    if not form.is_valid():
        return _render_form(request, form)
    try:
        ratelimit.hit(scope="contribution_submit", request=request)
    except ratelimit.RateLimited as exc:
        return _render_form(request, form, status=429, alert=ratelimit.message_for(exc))
    contribution = services.contribution_submit(author=user, **form.service_kwargs())
    messages.success(
        request,
        _("Merci ! Votre contribution est enregistrée ; elle sera publiée après modération."),
    )
    _flag_message(request, contribution)
    return redirect(participant_space_url(contribution.get_absolute_url()))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, pk: int):
    contribution = get_object_or_404(
        Contribution.objects.authored_by(request.user).prefetch_related("themes", "policies"),
        pk=pk,
    )
    if not request.user.has_perm("contributions.change_contribution", contribution):
        messages.error(
            request, _("Cette contribution a déjà été modérée : elle n'est plus modifiable.")
        )
        return redirect(contribution.get_absolute_url())
    if request.method == "GET":
        form = forms.ContributionForm(
            initial={
                "kind": contribution.kind,
                "title": contribution.title,
                "body": contribution.body,
                "themes": list(contribution.themes.all()),
                "policies": list(contribution.policies.all()),
                "department": contribution.department_id,
                "actor_category": contribution.actor_category,
            }
        )
        return _render_form(request, form, contribution=contribution)
    form = forms.ContributionForm(request.POST)
    if too_large(request):
        form.is_valid()
        return _render_form(
            request,
            form,
            contribution=contribution,
            status=413,
            alert=_("Votre envoi est trop volumineux : raccourcissez-le."),
        )
    if not form.is_valid():
        return _render_form(request, form, contribution=contribution)
    try:
        services.contribution_update(
            contribution=contribution, author=request.user, **form.service_kwargs()
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _render_form(request, form, contribution=contribution)
    messages.success(request, _("Votre contribution est modifiée."))
    _flag_message(request, contribution)
    return redirect(participant_space_url(contribution.get_absolute_url()))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_moderate(request, pk: int):
    contribution = get_object_or_404(
        Contribution.objects.moderated_by(request.user).with_references(), pk=pk
    )
    if not request.user.has_perm("contributions.moderate_contribution", contribution):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.ModerationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.contribution_moderate(
                    contribution=contribution,
                    moderator=request.user,
                    decision=data["decision"],
                    reason=data["reason"],
                    message=data["message"],
                    published_body=data["published_body"]
                    if data["decision"] == "publish"
                    else None,
                )
            except ModerationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Décision enregistrée : %(status)s.")
                    % {"status": ModerationStatus(contribution.status).label},
                )
                return redirect(contribution.get_absolute_url())
    else:
        form = forms.ModerationForm(
            initial={"published_body": contribution.published_body or contribution.body}
        )
    return render(
        request,
        "contributions/contribution_moderate.html",
        {
            "form": form,
            "contribution": contribution,
            "screening": moderation_page_screening(contribution),
            "breadcrumb_data": {
                "links": [
                    {"url": reverse("contributions:list"), "title": _("Contributions")},
                    {"url": contribution.get_absolute_url(), "title": contribution.title},
                ],
                "current": _("Modérer"),
            },
        },
    )
