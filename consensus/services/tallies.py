"""Paper tallies of an assise: every line checked, all saved or none."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from egts.models import ActorCategory, Territory

from ..models import PaperTally, Statement

CSV_COLUMNS = ["statement", "actor_category", "agree", "disagree", "pass", "held_on"]
MAX_LINES = 2000
# A show of hands in one room: a larger count is a typing mistake.
MAX_COUNT = 100_000


class PaperTallyError(Exception):
    """Some lines are wrong: ``lines`` is [{line, errors {field: [message]}}]."""

    def __init__(self, lines: list[dict]):
        super().__init__(f"{len(lines)} faulty line(s)")
        self.lines = lines


def read_csv(content: bytes) -> list[dict]:
    """The rows of a CSV file (comma or semicolon, UTF-8 with or without BOM)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PaperTallyError(
            [{"line": 0, "errors": {"file": [_("Le fichier doit être encodé en UTF-8.")]}}]
        ) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PaperTallyError(
            [
                {
                    "line": 1,
                    "errors": {
                        "file": [
                            _("Colonnes manquantes : %(columns)s.")
                            % {"columns": ", ".join(missing)}
                        ]
                    },
                }
            ]
        )
    return [{key: (value or "").strip() for key, value in row.items() if key} for row in reader]


def _count(value, errors: dict, field: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[field] = [_("Indiquez un nombre entier.")]
        return 0
    if not 0 <= number <= MAX_COUNT:
        errors[field] = [_("Le nombre doit être entre 0 et %(max)s.") % {"max": MAX_COUNT}]
    return number


def _date(value, errors: dict) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        errors["held_on"] = [_("Indiquez une date au format AAAA-MM-JJ.")]
        return None


def _statement_id(value, errors: dict) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        errors["statement"] = [_("Indiquez le numéro d'un énoncé.")]
        return None
    return int(text)


def _check_line(raw: dict, statements: dict[int, Statement]) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    statement = statements.get(_statement_id(raw.get("statement"), errors) or 0)
    if statement is None and "statement" not in errors:
        errors["statement"] = [_("Aucun énoncé publié de ce territoire ne porte ce numéro.")]
    category = str(raw.get("actor_category") or "").strip()
    if category not in ActorCategory.values:
        errors["actor_category"] = [_("Catégorie d'acteur inconnue.")]
    row = {
        "statement": statement,
        "actor_category": category,
        "agree": _count(raw.get("agree"), errors, "agree"),
        "disagree": _count(raw.get("disagree"), errors, "disagree"),
        "passed": _count(raw.get("pass"), errors, "pass"),
        "held_on": _date(raw.get("held_on"), errors),
    }
    return row, errors


def check_lines(*, territory: Territory, lines: Iterable[dict]) -> list[dict]:
    """The lines as rows to save, or PaperTallyError naming each faulty line (from 1)."""
    lines = list(lines)
    if not lines:
        raise PaperTallyError([{"line": 0, "errors": {"file": [_("Aucune ligne à importer.")]}}])
    if len(lines) > MAX_LINES:
        raise PaperTallyError(
            [{"line": 0, "errors": {"file": [_("Au plus %(n)s lignes.") % {"n": MAX_LINES}]}}]
        )
    wanted = {
        int(str(line.get("statement")).strip())
        for line in lines
        if str(line.get("statement") or "").strip().isdigit()
        and len(str(line.get("statement")).strip()) <= 18
    }
    # A COPIL counts votes on its territory's statements and on national ones.
    statements = Statement.objects.published().filter(
        Q(territory__isnull=True) | Q(territory=territory), pk__in=wanted
    )
    by_id = {statement.pk: statement for statement in statements}
    rows, faulty, seen = [], [], set()
    for number, raw in enumerate(lines, start=1):
        row, errors = _check_line(raw, by_id)
        key = (raw.get("statement"), row["actor_category"], row["held_on"])
        if not errors and key in seen:
            errors["statement"] = [_("Cette ligne répète une ligne précédente.")]
        seen.add(key)
        if errors:
            faulty.append({"line": number, "errors": errors})
        rows.append(row)
    if faulty:
        raise PaperTallyError(faulty)
    return rows


@transaction.atomic
def paper_tallies_record(*, territory: Territory, entered_by, lines: Iterable[dict]) -> list:
    """Save an assise's tallies: a line entered again for the same statement, category
    and day replaces the earlier count. Nothing is saved when one line is wrong."""
    if not entered_by.has_perm("consensus.add_papertally", territory):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    saved = []
    for row in check_lines(territory=territory, lines=lines):
        tally, _created = PaperTally.objects.update_or_create(
            statement=row["statement"],
            territory=territory,
            actor_category=row["actor_category"],
            held_on=row["held_on"],
            defaults={
                "agree": row["agree"],
                "disagree": row["disagree"],
                "passed": row["passed"],
                "entered_by": entered_by,
            },
        )
        saved.append(tally)
    return saved
