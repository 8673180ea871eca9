"""A topic's page and the edits people make to it and to its quotes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egts.models import ActorCategory, Territory, Theme

from ..forms import TopicMergeForm, TopicRenameForm
from ..models import Quote, ShareDimension, Topic
from ..selectors import topic_contributions
from ..services.edits import quote_update, topic_merge, topic_rename, topic_set_noise
from ..services.reports import shares_of
from .common import breadcrumb, get_run, get_topic, require, run_menu

CONTRIBUTIONS_PER_PAGE = 50


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
            "menu": run_menu(run),
            "breadcrumb_data": breadcrumb(topic.label, run=run, topic=topic),
        },
        status=status,
    )


@login_required
def topic_detail(request, pk: int, topic: int):
    return _topic_page(request, get_topic(request.user, pk, topic))


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
    found = get_topic(request.user, pk, topic)
    require(request.user, "analysis.change_topic", found)
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
    found = get_topic(request.user, pk, topic)
    require(request.user, "analysis.change_topic", found)
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
    found = get_topic(request.user, pk, topic)
    require(request.user, "analysis.change_topic", found)
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
    run = get_run(request.user, pk)
    found = get_object_or_404(
        Quote.objects.select_related("topic__run").filter(topic__run=run), pk=quote
    )
    require(request.user, "analysis.change_quote", found)
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
