"""Contributions collected offline (user groups, interviews, paper, working groups).

A COPIL member enters them on behalf of participants, one by one or from a CSV
file. An import checks every line first and creates nothing while a line is wrong.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from contributions.models import Contribution
from contributions.services import contribution_submit
from egts.models import Territory, User

from ..models import OfflineEntry

# The documented columns of the import file, in the template's order.
CSV_COLUMNS = [
    "source",
    "date",
    "lieu",
    "nature",
    "titre",
    "texte",
    "themes",
    "politiques",
    "departement",
    "categorie_acteur",
]
CSV_FIELD_FOR_COLUMN = {
    "source": "source",
    "date": "collected_on",
    "lieu": "place",
    "nature": "kind",
    "titre": "title",
    "texte": "body",
    "themes": "themes",
    "politiques": "policies",
    "departement": "department",
    "categorie_acteur": "actor_category",
}
COLUMN_FOR_FIELD = {field: column for column, field in CSV_FIELD_FOR_COLUMN.items()}
MAX_IMPORT_ROWS = 2000


@transaction.atomic
def offline_contribution_enter(
    *, territory: Territory, entered_by: User, data: dict
) -> Contribution:
    """One offline contribution, pending moderation like any other, with its collection record."""
    contribution = contribution_submit(
        author=None,
        kind=data["kind"],
        title=data["title"],
        body=data["body"],
        themes=data["themes"],
        policies=data.get("policies") or (),
        department=data["department"],
        actor_category=data["actor_category"],
        source=data["source"],
    )
    OfflineEntry.objects.create(
        contribution=contribution,
        territory=territory,
        collected_on=data["collected_on"],
        place=data["place"],
        entered_by=entered_by,
    )
    return contribution


@dataclass
class ImportResult:
    errors: list[str]
    created: int = 0


def _rows(uploaded) -> tuple[list[dict], list[str]]:
    raw = uploaded.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [
            _(
                "Le fichier n'est pas encodé en UTF-8 : dans votre tableur, enregistrez-le au "
                "format « CSV UTF-8 » puis importez-le de nouveau."
            )
        ]
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        return [], [
            _("Colonnes manquantes dans la première ligne : %(columns)s.")
            % {"columns": ", ".join(missing)}
        ]
    reader.fieldnames = header
    rows = list(reader)
    if not rows:
        return [], [_("Le fichier ne contient aucune contribution.")]
    if len(rows) > MAX_IMPORT_ROWS:
        return [], [
            _("Le fichier dépasse %(max)d lignes : découpez-le.") % {"max": MAX_IMPORT_ROWS}
        ]
    return rows, []


def _form_data(row: dict) -> dict:
    data = {}
    for column, field in CSV_FIELD_FOR_COLUMN.items():
        value = (row.get(column) or "").strip()
        if field in ("themes", "policies"):
            data[field] = [v.strip() for v in value.replace("|", ",").split(",") if v.strip()]
        else:
            data[field] = value
    return data


def offline_contributions_import(
    *, territory: Territory, entered_by: User, uploaded
) -> ImportResult:
    """Validate every line, then create all of them in one transaction, or none."""
    from ..forms import OfflineContributionForm

    rows, errors = _rows(uploaded)
    if errors:
        return ImportResult(errors=errors)
    valid = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        form = OfflineContributionForm(_form_data(row), territory=territory)
        if form.is_valid():
            valid.append(form.cleaned_data)
            continue
        for field, messages in form.errors.items():
            column = COLUMN_FOR_FIELD.get(field, "")
            for message in messages:
                prefix = _("Ligne %(line)d") % {"line": number}
                errors.append(
                    f"{prefix}, {column} : {message}" if column else f"{prefix} : {message}"
                )
    if errors:
        return ImportResult(errors=errors)
    with transaction.atomic():
        for data in valid:
            offline_contribution_enter(territory=territory, entered_by=entered_by, data=data)
    return ImportResult(errors=[], created=len(valid))


def csv_template() -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(
        [
            "user_group",
            "2014-03-12",
            "Centre social de Nîmes",
            "expectation",
            "Être mieux informé de ses droits",
            "Les participants demandent un interlocuteur unique pour leurs démarches.",
            "T1|T3",
            "P1",
            "30",
            "usagers",
        ]
    )
    return out.getvalue()
