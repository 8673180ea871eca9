"""Back-office pages of the analysis: start a run, watch it, review its topics.

Lookups go through ``.visible_to(user)`` (404 for another territory's run), then through
a rules permission (403). Forms re-render with what was typed and a message per field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from egts.models import ActorCategory, Territory, Theme
from egts.rules import copil_territory_ids

from .forms import RunRequestForm, TopicMergeForm, TopicRenameForm
from .models import (
    AnalysisRun,
    Campaign,
    Quote,
    RunStatus,
    ShareDimension,
    Topic,
    TopicMembership,
)
from .selectors import topic_contributions
from .services.edits import quote_update, topic_merge, topic_rename, topic_set_noise
from .services.reports import quotes_of, shares_of
from .services.runs import AnalysisQueueUnavailable, analyses_fail_stale, analysis_request
from .services.runs import analysis_retry as analysis_retry_service

CONTRIBUTIONS_PER_PAGE = 50
CAMPAIGNS_PER_PAGE = 20


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _require_analyst(user) -> None:
    """The pages are for the national team and COPIL members (not facilitators)."""
    if not (user.is_national_team or copil_territory_ids(user)):
        raise PermissionDenied


def _run(user, pk: int) -> AnalysisRun:
    _require_analyst(user)
    return get_object_or_404(
        AnalysisRun.objects.visible_to(user).select_related("territory", "theme", "requested_by"),
        pk=pk,
    )


def _topic(user, pk: int, topic_pk: int) -> Topic:
    run = _run(user, pk)
    topic = get_object_or_404(run.topics.all(), pk=topic_pk)
    topic.run = run
    return topic


def _breadcrumb(current: str, *, run: AnalysisRun | None = None, topic=None) -> dict:
    links = [
        {"url": reverse("assises:home"), "title": _("Espace des assises")},
    ]
    if run is not None:
        links.append({"url": reverse("analysis:runs"), "title": _("Analyse des textes")})
    if topic is not None:
        links.append({"url": run.get_absolute_url(), "title": str(run)})
    return {"links": links, "current": current}


def _menu(run: AnalysisRun) -> dict:
    items = [
        {"label": _("Thèmes dégagés"), "link": run.get_absolute_url()},
        {"label": _("Campagnes"), "link": reverse("analysis:campaigns", args=[run.pk])},
        {"label": _("Journal des modifications"), "link": reverse("analysis:edits", args=[run.pk])},
        {"label": _("Toutes les analyses"), "link": reverse("analysis:runs")},
    ]
    return {"title": str(run), "items": items, "heading_tag": "h2", "id": "analysis-menu"}


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


# --- Runs --------------------------------------------------------------------------------


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
            "breadcrumb_data": _breadcrumb(_("Analyse des textes")),
        },
        status=status,
    )


@login_required
def run_list(request):
    _require_analyst(request.user)
    return _run_list(request, RunRequestForm(user=request.user))


@login_required
@require_POST
def run_request(request):
    _require_analyst(request.user)
    form = RunRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        return _run_list(request, form, status=400)
    territory: Territory | None = form.cleaned_data["territory"]
    theme: Theme | None = form.cleaned_data["theme"]
    _require(request.user, "analysis.request_analysisrun", territory)
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
    run = _run(request.user, pk)
    return render(
        request,
        "analysis/run_detail.html",
        {
            "run": run,
            "status": status_payload(run),
            "status_url": reverse("analysis:run-status", args=[run.pk]),
            "rows": _topic_rows(run) if run.is_done else [],
            "campaigns_count": run.campaigns.count() if run.is_done else 0,
            "menu": _menu(run),
            "breadcrumb_data": _breadcrumb(str(run), run=run),
        },
    )


@login_required
@require_GET
def run_status(request, pk: int):
    """The small JSON the progress bar polls."""
    analyses_fail_stale()
    return JsonResponse(status_payload(_run(request.user, pk)))


@login_required
@require_POST
def run_retry(request, pk: int):
    run = _run(request.user, pk)
    _require(request.user, "analysis.retry_analysisrun", run)
    try:
        analysis_retry_service(run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except AnalysisQueueUnavailable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("L'analyse reprend là où elle s'était arrêtée."))
    return redirect(run)


# --- Topics ------------------------------------------------------------------------------


def _topic_page(request, topic: Topic, *, rename_form=None, merge_form=None, status: int = 200):
    run = topic.run
    shares = shares_of([topic], public=False)[topic.pk]
    territories = dict(Territory.objects.values_list("slug", "name"))
    themes = dict(Theme.objects.values_list("code", "label"))
    page = Paginator(
        topic_contributions(topic).order_by("pk").only("pk", "title", "actor_category"),
        CONTRIBUTIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    can_edit = (
        run.is_done
        and not topic.merged_into_id
        and request.user.has_perm("analysis.change_topic", topic)
    )
    return render(
        request,
        "analysis/topic_detail.html",
        {
            "run": run,
            "topic": topic,
            "can_edit": can_edit,
            "by_actor_category": [
                (label, shares[ShareDimension.ACTOR_CATEGORY].get(code, 0))
                for code, label in ActorCategory.choices
            ],
            "by_territory": sorted(
                (
                    (territories.get(code, _("Contributions nationales")), count)
                    for code, count in shares[ShareDimension.TERRITORY].items()
                ),
                key=lambda item: -item[1],
            ),
            "by_theme": sorted(
                (
                    (themes.get(code, code), count)
                    for code, count in shares[ShareDimension.THEME].items()
                ),
                key=lambda item: -item[1],
            ),
            "quotes": list(topic.quotes.all()),
            "contributions": page,
            "rename_form": rename_form or TopicRenameForm(initial={"label": topic.label}),
            "merge_form": merge_form or TopicMergeForm(topic=topic),
            "merged_topics": list(topic.merged_topics.all()),
            "menu": _menu(run),
            "breadcrumb_data": _breadcrumb(topic.label, run=run, topic=topic),
        },
        status=status,
    )


@login_required
def topic_detail(request, pk: int, topic: int):
    return _topic_page(request, _topic(request.user, pk, topic))


def _apply(request, topic: Topic, action, **forms_on_error):
    """Run one edit; a refused one re-renders the page with the message on the form."""
    try:
        action()
    except ValidationError as error:
        for form in forms_on_error.values():
            if form is None:
                continue
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        if not forms_on_error:
            messages.error(request, " ".join(error.messages))
            return redirect(topic)
        return _topic_page(request, topic, status=400, **forms_on_error)
    return None


@login_required
@require_POST
def topic_rename_view(request, pk: int, topic: int):
    found = _topic(request.user, pk, topic)
    _require(request.user, "analysis.change_topic", found)
    form = TopicRenameForm(request.POST)
    if not form.is_valid():
        return _topic_page(request, found, rename_form=form, status=400)
    refused = _apply(
        request,
        found,
        lambda: topic_rename(topic=found, user=request.user, label=form.cleaned_data["label"]),
        rename_form=form,
    )
    if refused:
        return refused
    messages.success(request, _("Le thème est renommé."))
    return redirect(found)


@login_required
@require_POST
def topic_noise_view(request, pk: int, topic: int):
    found = _topic(request.user, pk, topic)
    _require(request.user, "analysis.change_topic", found)
    noise = request.POST.get("noise") == "1"
    refused = _apply(
        request, found, lambda: topic_set_noise(topic=found, user=request.user, noise=noise)
    )
    if refused:
        return refused
    messages.success(
        request,
        _("Le thème est marqué comme bruit : il ne figurera pas dans les rapports.")
        if noise
        else _("Le thème est rétabli."),
    )
    return redirect(found)


@login_required
@require_POST
def topic_merge_view(request, pk: int, topic: int):
    found = _topic(request.user, pk, topic)
    _require(request.user, "analysis.change_topic", found)
    form = TopicMergeForm(request.POST, topic=found)
    if not form.is_valid():
        return _topic_page(request, found, merge_form=form, status=400)
    into = form.cleaned_data["into"]
    result = {}

    def merge():
        result["into"] = topic_merge(topic=found, into=into, user=request.user)

    refused = _apply(request, found, merge, merge_form=form)
    if refused:
        return refused
    messages.success(
        request,
        _("« %(topic)s » est fusionné dans « %(into)s ».")
        % {"topic": found.label, "into": result["into"].label},
    )
    return redirect(result["into"])


@login_required
@require_POST
def quote_update_view(request, pk: int, quote: int):
    run = _run(request.user, pk)
    found = get_object_or_404(
        Quote.objects.select_related("topic__run").filter(topic__run=run), pk=quote
    )
    _require(request.user, "analysis.change_quote", found)
    action = request.POST.get("action", "")
    changes = {
        "pin": {"pinned": True},
        "unpin": {"pinned": False},
        "remove": {"removed": True},
        "restore": {"removed": False},
    }.get(action)
    topic = found.topic
    if changes is None:
        messages.error(request, _("Action inconnue."))
        return redirect(topic)
    refused = _apply(
        request, topic, lambda: quote_update(quote=found, user=request.user, **changes)
    )
    if refused:
        return refused
    messages.success(
        request,
        {
            "pin": _(
                "La citation est épinglée : elle restera en tête, même après une nouvelle analyse."
            ),
            "unpin": _("La citation n'est plus épinglée."),
            "remove": _("La citation est retirée : elle ne sera plus proposée."),
            "restore": _("La citation est rétablie."),
        }[action],
    )
    return redirect(topic)


# --- Campaigns and the edit log ------------------------------------------------------------


@login_required
def campaigns(request, pk: int):
    run = _run(request.user, pk)
    page = Paginator(
        Campaign.objects.filter(run=run).select_related("representative").order_by("-size", "pk"),
        CAMPAIGNS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    members: dict[int, list[int]] = {}
    for campaign_id, contribution_id in (
        TopicMembership.objects.filter(campaign__in=list(page.object_list))
        .order_by("contribution_id")
        .values_list("campaign_id", "contribution_id")
    ):
        members.setdefault(campaign_id, []).append(contribution_id)
    topics = dict(
        TopicMembership.objects.filter(campaign__in=list(page.object_list))
        .values_list("campaign_id", "topic__label")
        .distinct()
    )
    return render(
        request,
        "analysis/campaigns.html",
        {
            "run": run,
            "page": page,
            "rows": [
                {"campaign": c, "members": members.get(c.pk, []), "topic": topics.get(c.pk)}
                for c in page
            ],
            "menu": _menu(run),
            "breadcrumb_data": _breadcrumb(_("Campagnes"), run=run, topic=True),
        },
    )


@login_required
def edits(request, pk: int):
    run = _run(request.user, pk)
    return render(
        request,
        "analysis/edits.html",
        {
            "run": run,
            "edits": run.edits.select_related("topic", "user")[:500],
            "menu": _menu(run),
            "breadcrumb_data": _breadcrumb(_("Journal des modifications"), run=run, topic=True),
        },
    )
