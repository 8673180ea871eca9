"""Public pages: vote on statements one at a time (no JavaScript needed), and the results."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from egts.models import ActorCategory

from . import services
from .api import VoteThrottle
from .filters import StatementFilter
from .forms import ActorCategoryForm, VoteForm
from .models import Statement, Vote
from .results import (
    SUPPRESSION_THRESHOLD,
    computation_for,
    public_groups,
    public_result,
    scope_summary,
)

SESSION_CATEGORY = "consensus.actor_category"


def _voter(request) -> dict:
    """Who votes: the account, or the browser session's keyed hash."""
    if request.user.is_authenticated:
        return {"user": request.user}
    return {"user": None, "session_key": services.voter_key(request)}


def _category(request) -> str:
    chosen = request.session.get(SESSION_CATEGORY, "")
    if not chosen and request.user.is_authenticated:
        chosen = request.user.actor_category
    return chosen


def _breadcrumb(current: str) -> dict:
    return {
        "links": [{"url": reverse("consensus:results"), "title": _("Consensus")}],
        "current": current,
    }


def _vote_page(request, *, statement, form, status=200, alert=""):
    statements = Statement.objects.published()
    voted = Vote.objects.filter(statement__in=statements, **_voter(request)).count()
    return render(
        request,
        "consensus/vote.html",
        {
            "statement": statement,
            "form": form,
            "alert": alert,
            "voted": voted,
            "total": statements.count(),
            "category": _category(request),
            "breadcrumb_data": _breadcrumb(_("Voter")),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def actor_category(request):
    """The voter says once which actor category they belong to; kept in the session."""
    form = ActorCategoryForm(request.POST or None, initial={"actor_category": _category(request)})
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_CATEGORY] = form.cleaned_data["actor_category"]
        return redirect("consensus:vote")
    return render(
        request,
        "consensus/actor_category.html",
        {"form": form, "breadcrumb_data": _breadcrumb(_("Votre catégorie"))},
        status=400 if form.errors else 200,
    )


def vote(request):
    """The next published statement the voter has not voted on."""
    if not _category(request):
        return redirect("consensus:actor-category")
    voted = Vote.objects.filter(**_voter(request)).values("statement_id")
    statement = (
        Statement.objects.published()
        .with_references()
        .exclude(pk__in=voted)
        .order_by("published_at", "id")
        .first()
    )
    return _vote_page(request, statement=statement, form=VoteForm())


@require_POST
def vote_submit(request, pk: int):
    statement = get_object_or_404(Statement.objects.published().with_references(), pk=pk)
    category = _category(request)
    if not category:
        return redirect("consensus:actor-category")
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _vote_page(request, statement=statement, form=form, status=400)
    # The API's throttle, on the same counter: the page is no way around it.
    if not VoteThrottle().allow_request(request, None):
        alert = _("Vous avez voté très vite : patientez une minute, puis votez à nouveau.")
        return _vote_page(request, statement=statement, form=form, status=429, alert=alert)
    _vote, created = services.vote_cast(
        statement=statement,
        vote=form.cleaned_data["vote"],
        actor_category=category,
        **_voter(request),
    )
    messages.success(
        request, _("Votre vote est enregistré.") if created else _("Votre vote est modifié.")
    )
    return redirect("consensus:vote")


def _agree_percent(counts: list[int] | None) -> int | None:
    """Agree among non-pass votes, in whole percent, for a category of 5 votes or more
    (the share the rule reads); None otherwise, shown as "< 5"."""
    if not counts or sum(counts) < SUPPRESSION_THRESHOLD or counts[0] + counts[1] == 0:
        return None
    return round(100 * counts[0] / (counts[0] + counts[1]))


def results(request):
    """Consensus and divisive statements, by actor category, with their data table."""
    filterset = StatementFilter(request.GET or None, queryset=Statement.objects.published())
    # An invalid filter is shown in error beside its field and ignored; the others apply.
    filterset.form.is_valid()
    data = getattr(filterset.form, "cleaned_data", {})
    territory, theme = data.get("territory"), data.get("theme")
    computation = computation_for(territory)
    labels = dict(ActorCategory.choices)
    rows = []
    for row in scope_summary(computation, theme=theme):
        shown = public_result(row, computation)
        shown["far_apart"] = [labels.get(code, code) for code in shown["far_apart"]]
        counts = [shown["votes"], *shown["overall"].values()]
        # Escaped by the template, unlike a filter's literal argument.
        shown["cells"] = ["< 5" if n is None else n for n in counts]
        shown["shares"] = [_agree_percent(row.by_actor_category.get(code)) for code in labels]
        shown["agree_share"] = _agree_percent([row.agree, row.disagree, row.passed])
        rows.append({"statement": row.statement, **shown})
    return render(
        request,
        "consensus/results.html",
        _results_context(filterset, computation, rows, theme, labels),
    )


def _agree_chart(rows) -> dict:
    """The agree share of each statement among its non-pass votes, as the bar chart of
    templates/partials/bar_chart.html; a statement of fewer than 5 votes is left out (the
    table says "< 5" for it), as in the table by actor category."""
    bars = [
        {
            "label": row["statement"].text,
            "display": _("%(share)s %% d'accord") % {"share": row["agree_share"]},
            "width": f"{row['agree_share']}%",
        }
        for row in rows
        if row["agree_share"] is not None
    ]
    return {
        "title": _("Part des votes « d'accord » parmi les votes exprimés, par énoncé"),
        "description": "; ".join(f"{bar['label']} : {bar['display']}" for bar in bars),
        "bars": bars,
    }


def _results_context(filterset, computation, rows, theme, labels) -> dict:
    texts = {row["statement"].pk: row["statement"].text for row in rows}
    groups = []
    for group in public_groups(computation, theme=theme):
        composition = [
            (labels.get(code, code), "< 5" if n is None else n)
            for code, n in group["by_actor_category"].items()
        ]
        statements = [
            (texts.get(item["statement"], ""), round(100 * item["agree_share"]))
            for item in group["statements"]
            if item["statement"] in texts and item["agree_share"] is not None
        ]
        groups.append(
            {
                "id": group["id"],
                "size": group["size"],
                "composition": composition,
                "statements": statements,
            }
        )
    return {
        "form": filterset.form,
        "groups": groups,
        "computation": computation,
        "rows": rows,
        "chart": _agree_chart(rows),
        "consensus_rows": [row for row in rows if row["consensus"]],
        "divisive_rows": [row for row in rows if row["divisive"]],
        "categories": ActorCategory.choices,
        "breadcrumb_data": {"links": [], "current": _("Consensus")},
    }
