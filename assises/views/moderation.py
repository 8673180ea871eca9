"""Moderation at volume: the queue, bulk decisions, the log and its CSV export;
contributions collected offline, one by one or from a CSV file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from analysis.services.screening import near_copies_for
from egts.models import Territory
from egts.moderation import Flag
from egts.uploads import report_refused_uploads

from ..forms import BulkModerationForm, OfflineContributionForm, OfflineImportForm
from ..models import OfflineEntry
from ..services.exports import csv_lines
from ..services.moderation import (
    CONTRIBUTION,
    ITEM_TYPES,
    STATEMENT,
    QueueScope,
    moderation_log,
    moderation_queue,
    parse_selection,
    queue_bulk_moderate,
)
from ..services.offline import (
    CSV_COLUMNS,
    csv_template,
    offline_contribution_enter,
    offline_contributions_import,
)
from .common import get_assise, require, workspace_context

QUEUE_PAGE_SIZE = 500
MODERATE_URL_NAMES = {CONTRIBUTION: "contributions:moderate", "practice": "practices:moderate"}
FLAG_LABELS = dict(Flag.choices)


def _moderate_url(item: dict) -> str:
    """Where one item of the queue is decided: its own page, or for a proposed statement its
    place on the page of statements to moderate."""
    if item["item_type"] == STATEMENT:
        return f"{reverse('consensus:moderation')}#statement-{item['id']}"
    return reverse(MODERATE_URL_NAMES[item["item_type"]], args=[item["id"]])


def _scope(request, slug):
    """The territory's queue, or for the national team with no slug: all or one part."""
    if slug is not None:
        assise = get_assise(request.user, slug)
        require(request.user, "assises.moderate_assise", assise)
        return QueueScope(territory=assise.territory), assise
    if not request.user.is_national_team:
        raise PermissionDenied
    wanted = request.GET.get("territoire", "")
    if wanted == "national":
        return QueueScope(national_only=True), None
    territory = Territory.objects.filter(slug=wanted).first() if wanted else None
    return QueueScope(territory=territory), None


def _page_context(request, assise, current: str) -> dict:
    if assise is not None:
        return workspace_context(request.user, assise, current)
    return {
        "breadcrumb_data": {
            "links": [{"url": reverse("assises:home"), "title": _("Espace des assises")}],
            "current": current,
        },
        "territories": Territory.objects.all(),
    }


def _queue_rows(page) -> list[dict]:
    """The page's items as the queue shows them: territory, flags, near-copies, link."""
    territory_names = dict(Territory.objects.values_list("pk", "name"))
    page_items = list(page.object_list)
    near_copies = near_copies_for(
        item["id"] for item in page_items if item["item_type"] == CONTRIBUTION
    )
    return [
        {
            **item,
            "key": f"{item['item_type']}:{item['id']}",
            "territory": territory_names.get(item["territory_id"], _("National")),
            "flag_labels": [FLAG_LABELS.get(f, f) for f in item["flags"] or []],
            "near_copies": near_copies.get(item["id"], [])
            if item["item_type"] == CONTRIBUTION
            else [],
            "moderate_url": _moderate_url(item),
        }
        for item in page_items
    ]


@login_required
def queue(request, slug=None):
    scope, assise = _scope(request, slug)
    form = BulkModerationForm()
    if request.method == "POST":
        form = BulkModerationForm(request.POST)
        if form.is_valid():
            try:
                selection = parse_selection(request.POST.getlist("items"))
                count = queue_bulk_moderate(
                    moderator=request.user,
                    scope=scope,
                    selection=selection,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                for field, field_messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, field_messages)
            else:
                done = (
                    _("%(n)d élément(s) publié(s).")
                    if form.cleaned_data["decision"] == "publish"
                    else _("%(n)d élément(s) refusé(s).")
                )
                messages.success(request, done % {"n": count})
                return redirect(request.get_full_path())
    item_type = request.GET.get("type", "")
    item_type = item_type if item_type in ITEM_TYPES else ""
    flagged = request.GET.get("signales") == "1"
    items = moderation_queue(user=request.user, scope=scope, item_type=item_type, flagged=flagged)
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _queue_rows(page)
    context = _page_context(request, assise, _("File de modération"))
    context.update(
        {
            "form": form,
            "rows": rows,
            "page_obj": page,
            "item_type": item_type,
            "flagged": flagged,
            "selected": set(request.POST.getlist("items")),
            "territory_filter": request.GET.get("territoire", ""),
            "log_url": reverse("assises:log", args=[slug])
            if slug
            else reverse("assises:national-log"),
        }
    )
    return render(request, "assises/workspace/queue.html", context)


@login_required
def log(request, slug=None):
    scope, assise = _scope(request, slug)
    entries = Paginator(moderation_log(user=request.user, scope=scope), 100).get_page(
        request.GET.get("page")
    )
    context = _page_context(request, assise, _("Journal de modération"))
    context.update(
        {
            "page_obj": entries,
            "csv_url": reverse("assises:log-csv", args=[slug])
            if slug
            else reverse("assises:national-log-csv"),
            "territory_filter": request.GET.get("territoire", ""),
        }
    )
    return render(request, "assises/workspace/log.html", context)


def _log_lines(entries):
    # csv_lines neutralises cells a spreadsheet would run as formulas (titles, messages).
    return csv_lines(
        [
            "Date",
            "Territoire",
            "Code du territoire",
            "Type",
            "Identifiant",
            "Titre",
            "Décision",
            "Motif",
            "Message",
            "Par",
        ],
        (
            [
                entry.decided_at,
                entry.territory.name if entry.territory else "National",
                entry.territory.slug if entry.territory else "",
                entry.content_type.model_class()._meta.verbose_name
                if entry.content_type.model_class()
                else entry.content_type.model,
                entry.object_id,
                entry.item_title,
                entry.get_decision_display(),
                entry.get_reason_display() if entry.reason else "",
                entry.message,
                entry.decided_by.email if entry.decided_by else "",
            ]
            for entry in entries.iterator(chunk_size=1000)
        ),
    )


@login_required
def log_csv(request, slug=None):
    scope, _assise = _scope(request, slug)
    entries = moderation_log(user=request.user, scope=scope)
    response = StreamingHttpResponse(_log_lines(entries), content_type="text/csv; charset=utf-8")
    name = slug or "national"
    response["Content-Disposition"] = f'attachment; filename="journal-moderation-{name}.csv"'
    return response


@login_required
def offline(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.enter_offline_contribution", assise)
    form = OfflineContributionForm(request.POST or None, territory=assise.territory)
    if request.method == "POST" and form.is_valid():
        offline_contribution_enter(
            territory=assise.territory, entered_by=request.user, data=form.cleaned_data
        )
        messages.success(request, _("La contribution est enregistrée ; elle attend la modération."))
        return redirect("assises:offline", slug=slug)
    context = workspace_context(request.user, assise, _("Contributions hors ligne"))
    context.update(
        {
            "form": form,
            "import_form": OfflineImportForm(),
            "entries": OfflineEntry.objects.for_territory(assise.territory).select_related(
                "contribution", "entered_by"
            )[:20],
            "columns": CSV_COLUMNS,
        }
    )
    return render(request, "assises/workspace/offline.html", context)


@login_required
def offline_import(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.enter_offline_contribution", assise)
    # Bound on any POST, even one whose file was refused before it was read.
    posted = request.method == "POST"
    form = OfflineImportForm(request.POST if posted else None, request.FILES if posted else None)
    errors: list[str] = []
    refused = request.method == "POST" and report_refused_uploads(form, request)
    if request.method == "POST" and not refused and form.is_valid():
        result = offline_contributions_import(
            territory=assise.territory, entered_by=request.user, uploaded=form.cleaned_data["file"]
        )
        if not result.errors:
            messages.success(
                request,
                _("%(n)d contribution(s) importée(s) ; elles attendent la modération.")
                % {"n": result.created},
            )
            return redirect("assises:offline", slug=slug)
        errors = result.errors
    context = workspace_context(
        request.user,
        assise,
        _("Importer un fichier"),
        parents=[(reverse("assises:offline", args=[slug]), _("Contributions hors ligne"))],
    )
    context.update({"form": form, "errors": errors, "columns": CSV_COLUMNS})
    status = 413 if refused else 400 if errors else 200
    return render(request, "assises/workspace/offline_import.html", context, status=status)


@login_required
def offline_template(request, slug):
    assise = get_assise(request.user, slug)
    require(request.user, "assises.enter_offline_contribution", assise)
    response = HttpResponse("\ufeff" + csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-contributions-hors-ligne.csv"'
    return response
