"""The national team's back-office of the action plan: axes, measures, their progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assises.models import Proposal, ProposalStatus
from egts.view_helpers import posted, require

from .. import forms, services
from ..models import Axis, Measure
from .common import (
    _backoffice_breadcrumb,
    _form_page,
    _progress_page,
    _tracked_page,
    plan_axes,
)


@login_required
@require_GET
def manage(request):
    require(request.user, "actionplan.add_measure")
    waiting = (
        Proposal.objects.filter(status=ProposalStatus.FORWARDED, measures__isnull=True)
        .select_related("territory", "theme")
        .order_by("territory__order", "title", "id")
    )
    return render(
        request,
        "actionplan/manage.html",
        {
            "axes": plan_axes(),
            "summary": Measure.objects.plan_progress(),
            "waiting": list(waiting),
            "breadcrumb_data": _backoffice_breadcrumb(
                _("Plan d'action national"), with_manage=False
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def axis_create(request):
    require(request.user, "actionplan.add_axis")
    return _axis_page(request, axis=None, title=_("Nouvel axe"))


@login_required
@require_http_methods(["GET", "POST"])
def axis_edit(request, pk: int):
    axis = get_object_or_404(Axis, pk=pk)
    require(request.user, "actionplan.change_axis", axis)
    return _axis_page(request, axis=axis, title=_("Modifier l'axe"))


def _axis_page(request, *, axis: Axis | None, title: str):
    form = forms.AxisForm(posted(request), instance=axis)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if axis is None:
                    axis = services.axis_create(created_by=request.user, data=data)
                else:
                    axis = services.axis_update(axis=axis, updated_by=request.user, data=data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("L'axe « %(title)s » est enregistré.") % {"title": axis}
                )
                return redirect("actionplan:manage")
        return _form_page(
            request,
            form=form,
            title=title,
            breadcrumb_data=_backoffice_breadcrumb(title),
            status=400,
        )
    return _form_page(
        request, form=form, title=title, breadcrumb_data=_backoffice_breadcrumb(title)
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request):
    require(request.user, "actionplan.add_measure")
    initial = {}
    if request.method == "GET":
        initial["proposals"] = [v for v in request.GET.getlist("proposals") if v.isdigit()]
        if request.GET.get("axis", "").isdigit():
            initial["axis"] = request.GET["axis"]

    def save(data, indicators):
        return services.measure_create(
            created_by=request.user,
            axis=data["axis"],
            data=data,
            proposals=data["proposals"],
            indicators=indicators,
        )

    form = forms.MeasureForm(posted(request), initial=initial)
    return _measure_page(request, form=form, measure=None, title=_("Nouvelle mesure"), save=save)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk: int):
    measure = get_object_or_404(Measure.objects.prefetch_related("indicators"), pk=pk)
    require(request.user, "actionplan.change_measure", measure)

    def save(data, indicators):
        return services.measure_update(
            measure=measure,
            updated_by=request.user,
            axis=data["axis"],
            data=data,
            proposals=data["proposals"],
            indicators=indicators,
        )

    form = forms.MeasureForm(posted(request), instance=measure)
    return _measure_page(
        request, form=form, measure=measure, title=_("Modifier la mesure"), save=save
    )


def _measure_page(request, *, form, measure: Measure | None, title, save):
    """The form of a new or an existing measure, with its indicators; to the measure once
    saved."""
    result = _tracked_page(
        request,
        form=form,
        formset=forms.indicator_formset(posted(request), owner=measure),
        title=title,
        save=save,
        breadcrumb=_backoffice_breadcrumb(title),
    )
    return redirect(result) if isinstance(result, Measure) else result


@login_required
@require_http_methods(["GET", "POST"])
def measure_progress(request, pk: int):
    measure = get_object_or_404(Measure, pk=pk)
    require(request.user, "actionplan.follow_measure", measure)

    def record(**kwargs):
        return services.measure_record_progress(measure=measure, author=request.user, **kwargs)

    title = _("Point d'avancement : %(title)s") % {"title": measure.title}
    return _progress_page(
        request,
        target=measure,
        record=record,
        title=title,
        breadcrumb=_backoffice_breadcrumb(title),
        redirect_to=measure.get_absolute_url(),
    )
