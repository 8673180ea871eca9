"""The COPIL's pages: paper tallies of its assise (a line, or a CSV file with its template)
and the statements waiting for its moderation."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from egts.forms import BaseForm
from egts.models import ActorCategory, Territory
from egts.moderation import ModerationError, RejectReason

from . import services
from .models import Statement
from .services.tallies import CSV_COLUMNS, read_csv

MAX_CSV_BYTES = 256 * 1024


class PaperTallyForm(BaseForm):
    statement = forms.ModelChoiceField(
        label=gettext_lazy("Énoncé"), queryset=Statement.objects.none()
    )
    actor_category = forms.ChoiceField(
        label=gettext_lazy("Catégorie d'acteur"), choices=ActorCategory.choices
    )
    agree = forms.IntegerField(label=gettext_lazy("D'accord"), min_value=0, max_value=100_000)
    disagree = forms.IntegerField(
        label=gettext_lazy("Pas d'accord"), min_value=0, max_value=100_000
    )
    passed = forms.IntegerField(label=gettext_lazy("Je passe"), min_value=0, max_value=100_000)
    held_on = forms.DateField(
        label=gettext_lazy("Date du vote"),
        help_text=gettext_lazy("Au format AAAA-MM-JJ."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, territory: Territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].queryset = countable_statements(territory)


class PaperTallyFileForm(BaseForm):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV"),
        help_text=gettext_lazy("Colonnes : %(columns)s. Séparateur virgule ou point-virgule.")
        % {"columns": ", ".join(CSV_COLUMNS)},
    )


class StatementDecisionForm(BaseForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Décision"),
        choices=[("publish", gettext_lazy("Publier")), ("reject", gettext_lazy("Refuser"))],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Motif du refus"),
        choices=[("", gettext_lazy("Sélectionner un motif")), *RejectReason.choices],
        required=False,
    )


def countable_statements(territory: Territory):
    """What a territory's assise votes on: its statements and the national ones."""
    return (
        Statement.objects.published()
        .filter(Q(territory=territory) | Q(territory__isnull=True))
        .order_by("id")
    )


def _territory_for_copil(request, slug: str) -> Territory:
    territory = get_object_or_404(Territory.objects.all(), slug=slug)
    if not request.user.has_perm("consensus.add_papertally", territory):
        raise PermissionDenied
    return territory


def _lines_from_form(data: dict) -> list[dict]:
    return [
        {
            "statement": data["statement"].pk,
            "actor_category": data["actor_category"],
            "agree": data["agree"],
            "disagree": data["disagree"],
            "pass": data["passed"],
            "held_on": data["held_on"],
        }
    ]


def _record(request, territory, lines) -> list[dict]:
    """Save the lines; the faulty lines to show otherwise."""
    try:
        saved = services.paper_tallies_record(
            territory=territory, entered_by=request.user, lines=lines
        )
    except services.PaperTallyError as exc:
        return exc.lines
    messages.success(request, _("%(n)s ligne(s) enregistrée(s).") % {"n": len(saved)})
    return []


@login_required
@require_http_methods(["GET", "POST"])
def paper_votes(request, slug: str):
    territory = _territory_for_copil(request, slug)
    line_form = PaperTallyForm(territory=territory)
    file_form = PaperTallyFileForm()
    faulty: list[dict] = []
    if request.method == "POST" and "import" in request.POST:
        file_form = PaperTallyFileForm(request.POST, request.FILES)
        if file_form.is_valid():
            upload = file_form.cleaned_data["file"]
            if upload.size > MAX_CSV_BYTES:
                file_form.add_error("file", _("Le fichier est trop volumineux."))
            else:
                try:
                    faulty = _record(request, territory, read_csv(upload.read()))
                except services.PaperTallyError as exc:
                    faulty = exc.lines
                if not faulty:
                    return redirect(request.path)
    elif request.method == "POST":
        line_form = PaperTallyForm(request.POST, territory=territory)
        if line_form.is_valid():
            faulty = _record(request, territory, _lines_from_form(line_form.cleaned_data))
            if not faulty:
                return redirect(request.path)
    has_errors = bool(faulty or line_form.errors or file_form.errors)
    return render(
        request,
        "consensus/workspace/paper_votes.html",
        {
            "territory": territory,
            "line_form": line_form,
            "file_form": file_form,
            "faulty": faulty,
            "statements": countable_statements(territory),
            "breadcrumb_data": {"links": [], "current": _("Votes papier")},
        },
        status=400 if has_errors else 200,
    )


@login_required
def paper_votes_template(request, slug: str):
    """A CSV to fill in: one line per statement, the category and counts left blank."""
    territory = _territory_for_copil(request, slug)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([*CSV_COLUMNS, "text"])
    held_on = territory.assises_date.isoformat() if territory.assises_date else ""
    for statement in countable_statements(territory):
        writer.writerow([statement.pk, "", "", "", "", held_on, statement.text])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="votes-papier-{territory.slug}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def moderation_queue(request):
    """Pending statements the user may moderate: a COPIL sees its territory's only."""
    if not request.user.has_perm("egts.view_back_office"):
        raise PermissionDenied
    statements = list(
        Statement.objects.moderated_by(request.user)
        .pending()
        .with_references()
        .order_by("submitted_at")[:100]
    )
    # One form per statement, each with its own prefix: no two fields share an id.
    forms_by_pk = {st.pk: StatementDecisionForm(prefix=f"s{st.pk}") for st in statements}
    if request.method == "POST":
        chosen = request.POST.get("statement", "")[:18]
        current = next((st for st in statements if str(st.pk) == chosen), None)
        if current is None:
            raise PermissionDenied
        form = StatementDecisionForm(request.POST, prefix=f"s{current.pk}")
        forms_by_pk[current.pk] = form
        if form.is_valid():
            try:
                services.statement_moderate(
                    statement=current,
                    moderator=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except ModerationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("Décision enregistrée."))
                return redirect(reverse("consensus:moderation"))
    has_errors = any(form.errors for form in forms_by_pk.values())
    return render(
        request,
        "consensus/workspace/moderation.html",
        {
            "items": [(st, forms_by_pk[st.pk]) for st in statements],
            "breadcrumb_data": {"links": [], "current": _("Énoncés à modérer")},
        },
        status=400 if has_errors else 200,
    )
