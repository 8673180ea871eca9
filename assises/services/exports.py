"""Streamed CSV exports for open data and the territories' spreadsheets.

Rows are read by keyset pages of ``CHUNK`` ids (``id > last``): each page costs a
bounded number of queries whatever the table size, and memory holds one page at a time.
Cells that a spreadsheet would run as a formula are neutralised (see ``safe_cell``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone

from contributions.models import Answer, Contribution, Question, Response
from practices.models import Practice

from ..models import Proposal

CHUNK = 2_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_KINDS = ("contributions", "responses", "practices", "proposals")


def safe_cell(value) -> str:
    """The cell as text, quoted with a leading apostrophe when it could start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "isoformat"):
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """A UTF-8 (with BOM, for spreadsheets) semicolon CSV, one line at a time."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


@dataclass(frozen=True)
class ExportScope:
    """None: every territory (and national items); else only these territory ids."""

    territory_ids: frozenset[int] | None = None

    def apply(self, queryset, field: str = "territory_id"):
        if self.territory_ids is None:
            return queryset
        return queryset.filter(**{f"{field}__in": self.territory_ids})


def _pages(queryset, fields: list[str]) -> Iterator[list[dict]]:
    last = 0
    while True:
        page = list(queryset.filter(pk__gt=last).order_by("pk").values(*fields)[:CHUNK])
        if not page:
            return
        yield page
        last = page[-1]["id"]


def _codes(through, owner_field: str, code_field: str, ids: list[int]) -> dict[int, str]:
    result: dict[int, list[str]] = {}
    for owner, code in (
        through.objects.filter(**{f"{owner_field}__in": ids})
        .order_by(owner_field, code_field)
        .values_list(owner_field, code_field)
    ):
        result.setdefault(owner, []).append(code)
    return {k: ",".join(v) for k, v in result.items()}


def _rows_with_codes(queryset, fields: list[str], model) -> Iterator[tuple[dict, str, str]]:
    """Each row with its theme and policy codes: two extra queries per page, not per row."""
    owner_field = f"{model._meta.model_name}_id"
    for page in _pages(queryset, fields):
        ids = [row["id"] for row in page]
        themes = _codes(model.themes.through, owner_field, "theme_id", ids)
        policies = _codes(model.policies.through, owner_field, "policy_id", ids)
        for row in page:
            yield row, themes.get(row["id"], ""), policies.get(row["id"], "")


CONTRIBUTION_COLUMNS = [
    "id",
    "kind",
    "title",
    "body",
    "themes",
    "policies",
    "territory",
    "department",
    "actor_category",
    "source",
    "published_at",
]


def contributions_rows(scope: ExportScope) -> Iterator[list]:
    queryset = scope.apply(Contribution.objects.published())
    fields = [
        "id",
        "kind",
        "title",
        "body",
        "published_body",
        "territory__slug",
        "department_id",
        "actor_category",
        "source",
        "published_at",
    ]
    for row, themes, policies in _rows_with_codes(queryset, fields, Contribution):
        yield [
            row["id"],
            row["kind"],
            row["title"],
            row["published_body"] or row["body"],
            themes,
            policies,
            row["territory__slug"] or "",
            row["department_id"] or "",
            row["actor_category"],
            row["source"],
            row["published_at"],
        ]


PRACTICE_COLUMNS = [
    "id",
    "title",
    "summary",
    "organisation",
    "themes",
    "policies",
    "territory",
    "department",
    "actor_category",
    "featured",
    "published_at",
]


def practices_rows(scope: ExportScope) -> Iterator[list]:
    queryset = scope.apply(Practice.objects.published())
    fields = [
        "id",
        "title",
        "summary",
        "organisation",
        "territory__slug",
        "department_id",
        "actor_category",
        "featured",
        "published_at",
    ]
    for row, themes, policies in _rows_with_codes(queryset, fields, Practice):
        yield [
            row["id"],
            row["title"],
            row["summary"],
            row["organisation"],
            themes,
            policies,
            row["territory__slug"] or "",
            row["department_id"] or "",
            row["actor_category"],
            row["featured"],
            row["published_at"],
        ]


PROPOSAL_COLUMNS = [
    "id",
    "territory",
    "title",
    "description",
    "theme",
    "policy",
    "level",
    "owner",
    "priority",
    "deadline",
    "indicators",
    "status",
    "rank",
]


def proposals_rows(scope: ExportScope) -> Iterator[list]:
    queryset = scope.apply(Proposal.objects.all())
    fields = [
        "id",
        "territory__slug",
        "title",
        "description",
        "theme_id",
        "policy_id",
        "level",
        "owner",
        "priority",
        "deadline",
        "indicators",
        "status",
        "rank",
    ]
    for page in _pages(queryset, fields):
        for row in page:
            yield [row[f] for f in fields]


RESPONSE_COLUMNS = [
    "id",
    "questionnaire",
    "created_at",
    "actor_category",
    "territory",
    "department",
]


def response_questions(questionnaire=None) -> list[Question]:
    """Every question, in a stable order: one column each, named after its id."""
    questions = Question.objects.select_related("questionnaire").order_by(
        "questionnaire_id", "step", "order", "id"
    )
    if questionnaire is not None:
        questions = questions.filter(questionnaire=questionnaire)
    return list(questions)


def responses_header(questions: list[Question]) -> list[str]:
    return RESPONSE_COLUMNS + [f"q{q.pk}" for q in questions]


def responses_rows(scope: ExportScope, questions: list[Question], questionnaire=None) -> Iterator:
    queryset = scope.apply(Response.objects.all())
    if questionnaire is not None:
        queryset = queryset.filter(questionnaire=questionnaire)
    column = {q.pk: index for index, q in enumerate(questions)}
    fields = [
        "id",
        "questionnaire__slug",
        "created_at",
        "actor_category",
        "territory__slug",
        "department_id",
    ]
    for page in _pages(queryset, fields):
        ids = [row["id"] for row in page]
        cells: dict[int, list[list[str]]] = {}
        answers = (
            Answer.objects.filter(response_id__in=ids)
            .order_by("response_id", "question_id", "choice__order", "id")
            .values_list("response_id", "question_id", "choice__label", "value", "text")
        )
        for response_id, question_id, label, value, text in answers:
            if question_id not in column:
                continue
            row_cells = cells.setdefault(response_id, [[] for _ in questions])
            answer = label if label is not None else (value if value is not None else text)
            row_cells[column[question_id]].append(str(answer))
        for row in page:
            answered = cells.get(row["id"]) or [[] for _ in questions]
            yield [
                row["id"],
                row["questionnaire__slug"],
                row["created_at"],
                row["actor_category"],
                row["territory__slug"] or "",
                row["department_id"] or "",
                *[" | ".join(values) for values in answered],
            ]


def export_lines(kind: str, scope: ExportScope, *, questionnaire=None) -> Iterator[str]:
    if kind == "contributions":
        return csv_lines(CONTRIBUTION_COLUMNS, contributions_rows(scope))
    if kind == "practices":
        return csv_lines(PRACTICE_COLUMNS, practices_rows(scope))
    if kind == "proposals":
        return csv_lines(PROPOSAL_COLUMNS, proposals_rows(scope))
    if kind == "responses":
        questions = response_questions(questionnaire)
        return csv_lines(
            responses_header(questions), responses_rows(scope, questions, questionnaire)
        )
    raise ValueError(kind)
