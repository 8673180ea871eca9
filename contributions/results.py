"""Questionnaire results, aggregated in SQL in a constant number of queries.

The public page, the API endpoint and the national synthesis all call
``questionnaire_results``, and all three are public: any count under
``SUPPRESSION_THRESHOLD`` becomes ``None``, narrowed or not, so that a small group (or
the very first respondents of a questionnaire) cannot be re-identified.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from egts.models import Territory

from .models import Answer, QuestionKind, Questionnaire, Response
from .services import questionnaire_questions

SUPPRESSION_THRESHOLD = 5


def _suppress(count: int) -> int | None:
    if count < SUPPRESSION_THRESHOLD:
        return None
    return count


@dataclass
class _Counts:
    """The answers' counts of one GROUP BY, keyed by (question, choice) and (question, value)."""

    by_choice: dict[tuple[int, int], int] = field(default_factory=dict)
    by_value: dict[tuple[int, int], int] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    people: dict[int, int] = field(default_factory=dict)


def _counts(answers, questions) -> _Counts:
    counts = _Counts()
    # One GROUP BY for every question: (question, choice, value) → number of rows.
    grouped = answers.values_list("question_id", "choice_id", "value").annotate(n=Count("id"))
    for question_id, choice_id, value, n in grouped:
        counts.rows[question_id] = counts.rows.get(question_id, 0) + n
        if choice_id is not None:
            counts.by_choice[(question_id, choice_id)] = n
        elif value is not None:
            counts.by_value[(question_id, value)] = n
    # A multiple-choice answer spans one row per ticked choice: count people, not rows.
    counts.people = dict(counts.rows)
    multiple_ids = [q.id for q in questions if q.kind == QuestionKind.MULTIPLE]
    if multiple_ids:
        counts.people.update(
            answers.filter(question_id__in=multiple_ids)
            .values_list("question_id")
            .annotate(n=Count("response_id", distinct=True))
        )
    return counts


def _scale(question, counts: _Counts) -> dict:
    """A scale question's distribution and mean (hidden under the threshold)."""
    distribution = [
        {"value": v, "count": counts.by_value.get((question.id, v), 0)}
        for v in range(question.scale_min, question.scale_max + 1)
    ]
    total = sum(d["count"] for d in distribution)
    mean = None
    if total >= SUPPRESSION_THRESHOLD:
        mean = round(sum(d["value"] * d["count"] for d in distribution) / total, 2)
    return {
        "min": question.scale_min,
        "max": question.scale_max,
        "min_label": question.scale_min_label,
        "max_label": question.scale_max_label,
        "distribution": [
            {"value": d["value"], "count": _suppress(d["count"])} for d in distribution
        ],
        "mean": mean,
    }


def _question_item(question, counts: _Counts) -> dict:
    item: dict = {
        "id": question.id,
        "kind": question.kind,
        "label": question.label,
        "answers": _suppress(counts.people.get(question.id, 0)),
    }
    if question.has_choices:
        item["choices"] = [
            {
                "id": choice.id,
                "label": choice.label,
                "count": _suppress(counts.by_choice.get((question.id, choice.id), 0)),
            }
            for choice in question.choices.all()
        ]
    elif question.kind == QuestionKind.SCALE:
        item["scale"] = _scale(question, counts)
    else:
        item["text_answers"] = _suppress(counts.rows.get(question.id, 0))
    return item


def questionnaire_results(
    *,
    questionnaire: Questionnaire,
    territory: Territory | None = None,
    actor_category: str = "",
) -> dict:
    """Per question: counts per choice, scale distribution and mean, number of text answers."""
    questions = questionnaire_questions(questionnaire)
    responses = Response.objects.filter(questionnaire=questionnaire)
    # Filtering on the question ids (not on the response's questionnaire) spares the join
    # with the responses table when the results are not narrowed.
    answers = Answer.objects.filter(question_id__in=[q.id for q in questions])
    if territory is not None:
        responses = responses.filter(territory=territory)
        answers = answers.filter(response__territory=territory)
    if actor_category:
        responses = responses.filter(actor_category=actor_category)
        answers = answers.filter(response__actor_category=actor_category)
    response_count = responses.count()
    counts = _counts(answers, questions)
    return {
        "questionnaire": questionnaire.slug,
        "title": questionnaire.title,
        "filters": {
            "territory": territory.slug if territory is not None else None,
            "actor_category": actor_category or None,
        },
        "suppression_threshold": SUPPRESSION_THRESHOLD,
        "responses": _suppress(response_count),
        "questions": [_question_item(question, counts) for question in questions],
    }
