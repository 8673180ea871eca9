"""Each territory's follow-up stage (« suivi »): its local actions and their progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assises.models import Assise
from assises.views.common import workspace_context
from egts.view_helpers import posted, require

from .. import forms, services
from ..models import LocalAction
from .common import _progress_page, _tracked_page


def _get_assise(user, slug: str) -> Assise:
    """Any back-office user of the territory sees its page; others get a 404."""
    return get_object_or_404(Assise.objects.visible_to(user).with_territory(), territory__slug=slug)


def _local_context(user, assise: Assise, current: str, *, nested: bool = False) -> dict:
    parents = []
    if nested:
        parents = [(reverse("actionplan:local-actions", args=[assise.territory.slug]), _("Suivi"))]
    return workspace_context(user, assise, current, parents=parents)


@login_required
@require_GET
def local_actions(request, slug: str):
    assise = _get_assise(request.user, slug)
    require(request.user, "actionplan.manage_localaction", assise)
    actions = (
        LocalAction.objects.for_territory(assise.territory)
        .prefetch_related("indicators")
        .order_by("created_at", "id")
    )
    context = _local_context(request.user, assise, _("Suivi : actions locales"))
    context.update(
        {
            "actions": list(actions),
            "can_add": request.user.has_perm("actionplan.add_localaction", assise.territory),
        }
    )
    return render(request, "actionplan/local_actions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def local_action_create(request, slug: str):
    assise = _get_assise(request.user, slug)
    require(request.user, "actionplan.add_localaction", assise.territory)

    def save(data, indicators):
        return services.local_action_create(
            territory=assise.territory,
            created_by=request.user,
            data=data,
            proposals=data["proposals"],
            indicators=indicators,
        )

    return _local_action_page(
        request, assise=assise, action=None, title=_("Nouvelle action locale"), save=save
    )


def _get_local_action(user, pk: int) -> tuple[LocalAction, Assise]:
    action = get_object_or_404(LocalAction.objects.select_related("territory"), pk=pk)
    assise = _get_assise(user, action.territory.slug)
    return action, assise


@login_required
@require_http_methods(["GET", "POST"])
def local_action_edit(request, pk: int):
    action, assise = _get_local_action(request.user, pk)
    require(request.user, "actionplan.change_localaction", action)

    def save(data, indicators):
        return services.local_action_update(
            action=action,
            updated_by=request.user,
            data=data,
            proposals=data["proposals"],
            indicators=indicators,
        )

    return _local_action_page(
        request, assise=assise, action=action, title=_("Modifier l'action locale"), save=save
    )


def _local_action_page(request, *, assise: Assise, action: LocalAction | None, title, save):
    """The form of a new or an existing local action; back to the list once saved."""
    territory = assise.territory
    form = forms.LocalActionForm(posted(request), instance=action, territory=territory)
    formset = forms.indicator_formset(posted(request), owner=action)
    context = _local_context(request.user, assise, title, nested=True)
    result = _tracked_page(
        request,
        form=form,
        formset=formset,
        title=title,
        save=save,
        breadcrumb=context.pop("breadcrumb_data"),
        layout_context=context,
    )
    if isinstance(result, LocalAction):
        return redirect("actionplan:local-actions", slug=territory.slug)
    return result


@login_required
@require_http_methods(["GET", "POST"])
def local_action_progress(request, pk: int):
    action, assise = _get_local_action(request.user, pk)
    require(request.user, "actionplan.change_localaction", action)

    def record(**kwargs):
        return services.local_action_record_progress(action=action, author=request.user, **kwargs)

    title = _("Point d'avancement : %(title)s") % {"title": action.title}
    context = _local_context(request.user, assise, title, nested=True)
    return _progress_page(
        request,
        target=action,
        record=record,
        title=title,
        breadcrumb=context.pop("breadcrumb_data"),
        redirect_to=reverse("actionplan:local-actions", args=[action.territory.slug]),
        layout_context=context,
    )
