"""What the action plan's pages share: the origins of a measure, the plan by axis, and the
form pages of measures and local actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assises.models import Proposal
from egts.view_helpers import posted

from .. import forms
from ..models import Axis, Indicator, Measure


def _plan_link() -> dict:
    return {"url": reverse("actionplan:plan"), "title": _("Plan d'action national")}


def origins(proposals) -> dict:
    """Territories and themes a measure came from, from its prefetched proposals."""
    territories, themes = {}, {}
    for proposal in proposals:
        territories[proposal.territory_id] = proposal.territory
        themes[proposal.theme_id] = proposal.theme
    return {
        "territories": sorted(territories.values(), key=lambda t: (t.order, t.name)),
        "themes": sorted(themes.values(), key=lambda t: (t.order, t.code)),
    }


def _proposals_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}proposals",
        queryset=Proposal.objects.select_related("territory", "theme").order_by("id"),
    )


def plan_axes():
    """The plan by axis, each measure with its origins: a constant number of queries."""
    measures = Measure.objects.order_by("order", "id").prefetch_related(_proposals_prefetch())
    axes = list(
        Axis.objects.with_progress().prefetch_related(Prefetch("measures", queryset=measures))
    )
    for axis in axes:
        axis.measure_rows = [
            {"measure": m, **origins(m.proposals.all())} for m in axis.measures.all()
        ]
    return axes


def _backoffice_breadcrumb(current: str, *, with_manage: bool = True) -> dict:
    links = [{"url": reverse("assises:home"), "title": _("Espace des assises")}]
    if with_manage:
        links.append({"url": reverse("actionplan:manage"), "title": _("Plan d'action national")})
    return {"links": links, "current": current}


def _form_page(request, *, template="actionplan/form.html", status=200, **context):
    return render(request, template, context, status=status)


def _tracked_page(request, *, form, formset, title, save, breadcrumb, layout_context=None):
    """Shared by measures and local actions: validate both forms, call ``save``, re-render."""
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                saved = save(data, forms.indicator_rows(formset))
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("« %(title)s » est enregistrée.") % {"title": saved})
                return saved
        status = 400
    else:
        status = 200
    return _form_page(
        request,
        template="actionplan/tracked_form.html",
        form=form,
        formset=formset,
        title=title,
        breadcrumb_data=breadcrumb,
        status=status,
        **(layout_context or {}),
    )


def _progress_page(request, *, target, record, title, breadcrumb, redirect_to, layout_context=None):
    indicators = Indicator.objects.filter(
        **{"measure" if isinstance(target, Measure) else "local_action": target}
    )
    initial = {"status": target.status, "progress": target.progress}
    form = forms.ProgressForm(posted(request), initial=initial, indicators=indicators)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                record(
                    date=data["date"],
                    text=data["text"],
                    status=data["status"],
                    progress=data["progress"],
                    abandon_reason=data["abandon_reason"],
                    values=form.values(),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Le point d'avancement est enregistré."))
                return redirect(redirect_to)
        status = 400
    return _form_page(
        request,
        template="actionplan/progress_form.html",
        form=form,
        target=target,
        title=title,
        breadcrumb_data=breadcrumb,
        status=status,
        **(layout_context or {}),
    )
