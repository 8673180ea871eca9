"""Streamed CSV exports for open data and the territories' spreadsheets.

Rows are read by keyset pages of ``CHUNK`` ids (``id > last``): each page costs a
bounded number of queries whatever the table size, and memory holds one page at a time.
The files are written by ``egts.csv_export`` (``;``, BOM, French headers, formulas
defused); each keeps the codes a join needs beside the labels a reader needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contributions.models import Answer, Contribution, Question, Response
from egts import reference
from egts.csv_export import FORMULA_PREFIXES, csv_lines, safe_cell
from egts.models import ActorCategory
from practices.models import Practice

from ..models import Proposal

__all__ = ["FORMULA_PREFIXES", "csv_lines", "safe_cell", "export_lines", "EXPORT_KINDS"]

CHUNK = 2_000
EXPORT_KINDS = ("contributions", "responses", "practices", "proposals")


def _choices(model, field: str) -> dict[str, str]:
    return {code: str(label) for code, label in model._meta.get_field(field).flatchoices}


def _territory_names() -> dict[str, str]:
    """From the reference cache (departments carry their territory): no query per export."""
    names = {}
    for department in reference.departments().values():
        territory = department.region.territory
        if territory is not None:
            names[territory.slug] = territory.name
    return names


def _department_name(code) -> str:
    department = reference.departments().get(code) if code else None
    return department.name if department else ""


def _labels(codes: str, table: dict) -> str:
    return " | ".join(table[c].label for c in codes.split(",") if c in table) if codes else ""


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
    "Identifiant",
    "Nature",
    "Titre",
    "Texte",
    "Thèmes",
    "Codes des thèmes",
    "Politiques",
    "Codes des politiques",
    "Territoire",
    "Code du territoire",
    "Département",
    "Code du département",
    "Catégorie d'acteur",
    "Origine",
    "Publiée le",
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
    kinds = _choices(Contribution, "kind")
    sources = _choices(Contribution, "source")
    actors = dict(ActorCategory.choices)
    names = _territory_names()
    themes_table, policies_table = reference.themes(), reference.policies()
    for row, themes, policies in _rows_with_codes(queryset, fields, Contribution):
        yield [
            row["id"],
            kinds.get(row["kind"], row["kind"]),
            row["title"],
            row["published_body"] or row["body"],
            _labels(themes, themes_table),
            themes,
            _labels(policies, policies_table),
            policies,
            names.get(row["territory__slug"], "National"),
            row["territory__slug"] or "",
            _department_name(row["department_id"]),
            row["department_id"] or "",
            actors.get(row["actor_category"], row["actor_category"]),
            sources.get(row["source"], row["source"]),
            row["published_at"],
        ]


PRACTICE_COLUMNS = [
    "Identifiant",
    "Titre",
    "Résumé",
    "Structure",
    "Thèmes",
    "Codes des thèmes",
    "Politiques",
    "Codes des politiques",
    "Territoire",
    "Code du territoire",
    "Département",
    "Code du département",
    "Catégorie d'acteur",
    "Mise en avant",
    "Publiée le",
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
    actors = dict(ActorCategory.choices)
    names = _territory_names()
    themes_table, policies_table = reference.themes(), reference.policies()
    for row, themes, policies in _rows_with_codes(queryset, fields, Practice):
        yield [
            row["id"],
            row["title"],
            row["summary"],
            row["organisation"],
            _labels(themes, themes_table),
            themes,
            _labels(policies, policies_table),
            policies,
            names.get(row["territory__slug"], "National"),
            row["territory__slug"] or "",
            _department_name(row["department_id"]),
            row["department_id"] or "",
            actors.get(row["actor_category"], row["actor_category"]),
            row["featured"],
            row["published_at"],
        ]


PROPOSAL_COLUMNS = [
    "Identifiant",
    "Territoire",
    "Code du territoire",
    "Titre",
    "Description",
    "Thème",
    "Code du thème",
    "Politique",
    "Code de la politique",
    "Niveau",
    "Porteur",
    "Priorité",
    "Échéance",
    "Indicateurs",
    "Statut",
    "Rang",
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
    names = _territory_names()
    themes_table, policies_table = reference.themes(), reference.policies()
    levels = _choices(Proposal, "level")
    priorities = _choices(Proposal, "priority")
    statuses = _choices(Proposal, "status")
    for page in _pages(queryset, fields):
        for row in page:
            theme = themes_table.get(row["theme_id"])
            policy = policies_table.get(row["policy_id"])
            yield [
                row["id"],
                names.get(row["territory__slug"], ""),
                row["territory__slug"] or "",
                row["title"],
                row["description"],
                theme.label if theme else "",
                row["theme_id"] or "",
                policy.label if policy else "",
                row["policy_id"] or "",
                levels.get(row["level"], row["level"]),
                row["owner"],
                priorities.get(row["priority"], row["priority"]),
                row["deadline"],
                row["indicators"],
                statuses.get(row["status"], row["status"]),
                row["rank"],
            ]


RESPONSE_COLUMNS = [
    "Identifiant",
    "Questionnaire",
    "Code du questionnaire",
    "Reçue le",
    "Catégorie d'acteur",
    "Territoire",
    "Code du territoire",
    "Département",
    "Code du département",
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
    """One stable column per question: its id first (``q12``), then its wording."""
    return RESPONSE_COLUMNS + [f"q{q.pk} – {q.label}" for q in questions]


def responses_rows(scope: ExportScope, questions: list[Question], questionnaire=None) -> Iterator:
    queryset = scope.apply(Response.objects.all())
    if questionnaire is not None:
        queryset = queryset.filter(questionnaire=questionnaire)
    column = {q.pk: index for index, q in enumerate(questions)}
    actors = dict(ActorCategory.choices)
    names = _territory_names()
    fields = [
        "id",
        "questionnaire__title",
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
                row["questionnaire__title"],
                row["questionnaire__slug"],
                row["created_at"],
                actors.get(row["actor_category"], row["actor_category"]),
                names.get(row["territory__slug"], ""),
                row["territory__slug"] or "",
                _department_name(row["department_id"]),
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
