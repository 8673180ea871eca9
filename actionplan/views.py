"""Pages of the action plan: the public plan, its measures, feed and CSV; the national
team's back-office; each territory's local actions; the participant's opt-in."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assises.models import Assise, Proposal, ProposalStatus
from assises.services.exports import safe_cell
from assises.views.common import workspace_context
from contributions.models import Contribution
from practices.models import Practice

from . import forms, services
from .models import Axis, Indicator, IndicatorValue, LocalAction, Measure, ProgressUpdate


def _plan_link() -> dict:
    return {"url": reverse("actionplan:plan"), "title": _("Plan d'action national")}


def _posted(request, *, files: bool = False):
    """The submitted data, even empty: an empty POST is a bound form with its errors."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


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


# --- Public pages -------------------------------------------------------------------------


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


class _Echo:
    def write(self, value):
        return value


CSV_HEADER = [
    "axe",
    "mesure_id",
    "mesure",
    "statut",
    "avancement",
    "pilote",
    "partenaires",
    "echeance",
    "budget",
    "indicateurs",
    "territoires",
    "themes",
    "propositions",
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
            measure.deadline.isoformat() if measure.deadline else "",
            str(measure.budget) if measure.budget is not None else "",
            indicators,
            " | ".join(t.slug for t in found["territories"]),
            " | ".join(t.code for t in found["themes"]),
            " | ".join(str(p.pk) for p in measure.proposals.all()),
        ]


@require_GET
def plan_csv(request):
    writer = csv.writer(_Echo())
    # Public cells are typed by anyone (titles, partners): none may start a spreadsheet formula.
    response = StreamingHttpResponse(
        (writer.writerow([safe_cell(cell) for cell in row]) for row in plan_csv_rows()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="plan-d-action-egts.csv"'
    return response


# --- National back-office -----------------------------------------------------------------


def _backoffice_breadcrumb(current: str, *, with_manage: bool = True) -> dict:
    links = [{"url": reverse("assises:home"), "title": _("Espace des assises")}]
    if with_manage:
        links.append({"url": reverse("actionplan:manage"), "title": _("Plan d'action national")})
    return {"links": links, "current": current}


@login_required
@require_GET
def manage(request):
    _require(request.user, "actionplan.add_measure")
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


def _form_page(request, *, template="actionplan/form.html", status=200, **context):
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def axis_create(request):
    _require(request.user, "actionplan.add_axis")
    return _axis_page(request, axis=None, title=_("Nouvel axe"))


@login_required
@require_http_methods(["GET", "POST"])
def axis_edit(request, pk: int):
    axis = get_object_or_404(Axis, pk=pk)
    _require(request.user, "actionplan.change_axis", axis)
    return _axis_page(request, axis=axis, title=_("Modifier l'axe"))


def _axis_page(request, *, axis: Axis | None, title: str):
    form = forms.AxisForm(_posted(request), instance=axis)
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


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request):
    _require(request.user, "actionplan.add_measure")
    initial = {}
    if request.method == "GET":
        initial["proposals"] = [v for v in request.GET.getlist("proposals") if v.isdigit()]
        if request.GET.get("axis", "").isdigit():
            initial["axis"] = request.GET["axis"]
    form = forms.MeasureForm(_posted(request), initial=initial)
    formset = forms.indicator_formset(_posted(request))
    title = _("Nouvelle mesure")

    def save(data, indicators):
        return services.measure_create(
            created_by=request.user,
            axis=data["axis"],
            data=data,
            proposals=data["proposals"],
            indicators=indicators,
        )

    result = _tracked_page(
        request,
        form=form,
        formset=formset,
        title=title,
        save=save,
        breadcrumb=_backoffice_breadcrumb(title),
    )
    return redirect(result) if isinstance(result, Measure) else result


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk: int):
    measure = get_object_or_404(Measure.objects.prefetch_related("indicators"), pk=pk)
    _require(request.user, "actionplan.change_measure", measure)
    form = forms.MeasureForm(_posted(request), instance=measure)
    formset = forms.indicator_formset(_posted(request), owner=measure)
    title = _("Modifier la mesure")

    def save(data, indicators):
        return services.measure_update(
            measure=measure,
            updated_by=request.user,
            axis=data["axis"],
            data=data,
            proposals=data["proposals"],
            indicators=indicators,
        )

    result = _tracked_page(
        request,
        form=form,
        formset=formset,
        title=title,
        save=save,
        breadcrumb=_backoffice_breadcrumb(title),
    )
    return redirect(result) if isinstance(result, Measure) else result


def _progress_page(request, *, target, record, title, breadcrumb, redirect_to, layout_context=None):
    indicators = Indicator.objects.filter(
        **{"measure" if isinstance(target, Measure) else "local_action": target}
    )
    initial = {"status": target.status, "progress": target.progress}
    form = forms.ProgressForm(_posted(request), initial=initial, indicators=indicators)
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


@login_required
@require_http_methods(["GET", "POST"])
def measure_progress(request, pk: int):
    measure = get_object_or_404(Measure, pk=pk)
    _require(request.user, "actionplan.follow_measure", measure)

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


# --- Local actions (a territory's « suivi » stage) ---------------------------------------


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
    _require(request.user, "actionplan.manage_localaction", assise)
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
    _require(request.user, "actionplan.add_localaction", assise.territory)
    territory = assise.territory
    form = forms.LocalActionForm(_posted(request), territory=territory)
    formset = forms.indicator_formset(_posted(request))
    title = _("Nouvelle action locale")

    def save(data, indicators):
        return services.local_action_create(
            territory=territory,
            created_by=request.user,
            data=data,
            proposals=data["proposals"],
            indicators=indicators,
        )

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
        return redirect("actionplan:local-actions", slug=slug)
    return result


def _get_local_action(user, pk: int) -> tuple[LocalAction, Assise]:
    action = get_object_or_404(LocalAction.objects.select_related("territory"), pk=pk)
    assise = _get_assise(user, action.territory.slug)
    return action, assise


@login_required
@require_http_methods(["GET", "POST"])
def local_action_edit(request, pk: int):
    action, assise = _get_local_action(request.user, pk)
    _require(request.user, "actionplan.change_localaction", action)
    form = forms.LocalActionForm(_posted(request), instance=action, territory=action.territory)
    formset = forms.indicator_formset(_posted(request), owner=action)
    title = _("Modifier l'action locale")

    def save(data, indicators):
        return services.local_action_update(
            action=action,
            updated_by=request.user,
            data=data,
            proposals=data["proposals"],
            indicators=indicators,
        )

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
        return redirect("actionplan:local-actions", slug=action.territory.slug)
    return result


@login_required
@require_http_methods(["GET", "POST"])
def local_action_progress(request, pk: int):
    action, assise = _get_local_action(request.user, pk)
    _require(request.user, "actionplan.change_localaction", action)

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


# --- Participants -------------------------------------------------------------------------


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
