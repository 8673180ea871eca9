"""The list of runs, asking for one, watching its progress, retrying it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from egts.models import ActorCategory, Territory, Theme

from ..forms import RunRequestForm
from ..models import AnalysisRun, RunStatus, ShareDimension
from ..services.reports import quotes_of, shares_of
from ..services.runs import AnalysisQueueUnavailable, analyses_fail_stale, analysis_request
from ..services.runs import analysis_retry as analysis_retry_service
from .common import breadcrumb, get_run, require, require_analyst, run_menu


def status_payload(run: AnalysisRun) -> dict:
    labels = dict(RunStatus.choices)
    phases = dict(run._meta.get_field("phase").choices)
    message = _("Analyse version %(v)d : %(status)s, %(p)d %%") % {
        "v": run.version,
        "status": labels[run.status],
        "p": run.progress,
    }
    if run.status == RunStatus.RUNNING:
        message += " — " + str(phases[run.phase])
    return {
        "status": run.status,
        "label": str(labels[run.status]),
        "progress": run.progress,
        "documents": run.documents,
        "finished": run.is_finished,
        "message": message,
    }


def _run_list(request, form: RunRequestForm, *, status: int = 200):
    analyses_fail_stale()
    runs = (
        AnalysisRun.objects.visible_to(request.user)
        .select_related("territory", "theme", "requested_by")
        .defer("model")
    )
    return render(
        request,
        "analysis/run_list.html",
        {
            "runs": runs,
            "form": form,
            "breadcrumb_data": breadcrumb(_("Analyse des textes")),
        },
        status=status,
    )


@login_required
def run_list(request):
    require_analyst(request.user)
    return _run_list(request, RunRequestForm(user=request.user))


@login_required
@require_POST
def run_request(request):
    require_analyst(request.user)
    form = RunRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        return _run_list(request, form, status=400)
    territory: Territory | None = form.cleaned_data["territory"]
    theme: Theme | None = form.cleaned_data["theme"]
    require(request.user, "analysis.request_analysisrun", territory)
    try:
        run = analysis_request(requested_by=request.user, territory=territory, theme=theme)
    except AnalysisQueueUnavailable as error:
        messages.error(request, str(error))
        return _run_list(request, form, status=503)
    messages.success(
        request,
        _("L'analyse « %(run)s » est demandée ; elle se déroule en arrière-plan.") % {"run": run},
    )
    return redirect(run)


def _topic_rows(run: AnalysisRun) -> list[dict]:
    topics = list(run.topics.listed().order_by("noise", "-size", "index"))
    shares = shares_of(topics, public=False)
    quotes = quotes_of(topics)
    categories = ActorCategory.choices
    return [
        {
            "topic": topic,
            # The categories present, largest first: the topic page has the full table.
            "by_actor_category": sorted(
                (
                    (label, count)
                    for code, label in categories
                    if (count := shares[topic.pk][ShareDimension.ACTOR_CATEGORY].get(code))
                ),
                key=lambda item: -item[1],
            ),
            "quotes": quotes.get(topic.pk, []),
        }
        for topic in topics
    ]


@login_required
def run_detail(request, pk: int):
    analyses_fail_stale()
    run = get_run(request.user, pk)
    return render(
        request,
        "analysis/run_detail.html",
        {
            "run": run,
            "status": status_payload(run),
            "status_url": reverse("analysis:run-status", args=[run.pk]),
            "rows": _topic_rows(run) if run.is_done else [],
            "campaigns_count": run.campaigns.count() if run.is_done else 0,
            "menu": run_menu(run),
            "breadcrumb_data": breadcrumb(str(run), run=run),
        },
    )


@login_required
@require_GET
def run_status(request, pk: int):
    """The small JSON the progress bar polls."""
    analyses_fail_stale()
    return JsonResponse(status_payload(get_run(request.user, pk)))


@login_required
@require_POST
def run_retry(request, pk: int):
    run = get_run(request.user, pk)
    require(request.user, "analysis.retry_analysisrun", run)
    try:
        analysis_retry_service(run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except AnalysisQueueUnavailable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("L'analyse reprend là où elle s'était arrêtée."))
    return redirect(run)
