"""Questionnaire results at scale: 100,000 responses × 10 answers, then the results endpoint.

Loads the rows with COPY on PostgreSQL (bulk_create in batches elsewhere), then times
``questionnaire_results`` (the function behind the API endpoint and the public page),
overall and narrowed, and prints each figure with its number of queries. The target
is under one second on PostgreSQL.
"""

from __future__ import annotations

import io
import random
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

RESPONSES = 100_000
TARGET_SECONDS = 1.0


def _questionnaire():
    from contributions.models import Choice, Question, QuestionKind, Questionnaire

    questionnaire = Questionnaire.objects.create(slug="bench", title="Banc d'essai")
    kinds = [QuestionKind.SINGLE] * 4 + [QuestionKind.MULTIPLE] * 2
    kinds += [QuestionKind.SCALE] * 3 + [QuestionKind.TEXT]
    questions = []
    for order, kind in enumerate(kinds):
        question = Question.objects.create(
            questionnaire=questionnaire, kind=kind, label=f"Question {order}", order=order
        )
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            Choice.objects.bulk_create(
                Choice(question=question, label=f"Choix {i}", order=i) for i in range(5)
            )
        questions.append(question)
    return questionnaire, questions


def _answer_rows(rng, questions, choices):
    """Ten rows per response: one per question (a multiple-choice question ticks one)."""
    from contributions.models import QuestionKind

    for question in questions:
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            yield question.id, rng.choice(choices[question.id]), None, ""
        elif question.kind == QuestionKind.SCALE:
            yield question.id, None, rng.randint(1, 5), ""
        else:
            yield question.id, None, None, "Une réponse libre."


def _load(questionnaire, questions) -> float:
    from contributions.models import Answer, Response
    from egts.models import ActorCategory, Department

    rng = random.Random(2014)  # noqa: S311 — reproducible data, not security
    departments = list(
        Department.objects.select_related("region").values_list("code", "region__territory_id")
    )
    categories = ActorCategory.values
    choices = {
        q.id: list(q.choices.values_list("id", flat=True)) for q in questions if q.has_choices
    }
    now = timezone.now()
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        response_table = Response._meta.db_table
        answer_table = Answer._meta.db_table
        buffer = io.StringIO()
        for _ in range(RESPONSES):
            code, territory_id = rng.choice(departments)
            buffer.write(
                f"{questionnaire.id}\t{rng.choice(categories)}\t{code}\t{territory_id}\t"
                f"{now.isoformat()}\n"
            )
        with connection.cursor() as cursor:
            with cursor.connection.cursor().copy(
                f"COPY {response_table} (questionnaire_id, actor_category, department_id, "  # noqa: S608
                "territory_id, created_at) FROM STDIN"
            ) as copy:
                copy.write(buffer.getvalue())
            cursor.execute(
                f"SELECT id FROM {response_table} WHERE questionnaire_id = %s ORDER BY id",  # noqa: S608
                [questionnaire.id],
            )
            response_ids = [row[0] for row in cursor.fetchall()]
            buffer = io.StringIO()
            for response_id in response_ids:
                for question_id, choice_id, value, text in _answer_rows(rng, questions, choices):
                    buffer.write(
                        f"{response_id}\t{question_id}\t"
                        f"{choice_id if choice_id is not None else chr(92) + 'N'}\t"
                        f"{value if value is not None else chr(92) + 'N'}\t{text}\n"
                    )
            with cursor.connection.cursor().copy(
                f"COPY {answer_table} (response_id, question_id, choice_id, value, text) "  # noqa: S608
                "FROM STDIN"
            ) as copy:
                copy.write(buffer.getvalue())
            cursor.execute(f"ANALYZE {response_table}")
            cursor.execute(f"ANALYZE {answer_table}")
    else:
        batch = 5_000
        for start in range(0, RESPONSES, batch):
            responses = []
            for _ in range(min(batch, RESPONSES - start)):
                code, territory_id = rng.choice(departments)
                responses.append(
                    Response(
                        questionnaire=questionnaire,
                        actor_category=rng.choice(categories),
                        department_id=code,
                        territory_id=territory_id,
                        created_at=now,
                    )
                )
            responses = Response.objects.bulk_create(responses)
            Answer.objects.bulk_create(
                [
                    Answer(
                        response=response,
                        question_id=question_id,
                        choice_id=choice_id,
                        value=value,
                        text=text,
                    )
                    for response in responses
                    for question_id, choice_id, value, text in _answer_rows(rng, questions, choices)
                ],
                batch_size=10_000,
            )
    return time.perf_counter() - started


def _time(label: str, **filters) -> float:
    from contributions.models import Questionnaire
    from contributions.results import questionnaire_results

    questionnaire = Questionnaire.objects.get(slug="bench")
    questionnaire_results(questionnaire=questionnaire, **filters)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        results = questionnaire_results(questionnaire=questionnaire, **filters)
        elapsed = time.perf_counter() - started
    verdict = "OK" if elapsed < TARGET_SECONDS else "TOO SLOW"
    print(
        f"results {label:<32} {elapsed:.3f} s  ({len(queries.captured_queries)} queries, "
        f"{results['responses']} responses)  {verdict}"
    )
    return elapsed


def run() -> None:
    from contributions.models import Answer, Response
    from egts.models import Territory

    questionnaire, questions = _questionnaire()
    load_seconds = _load(questionnaire, questions)
    print(
        f"loaded {Response.objects.count():,} responses and {Answer.objects.count():,} answers "
        f"in {load_seconds:.1f} s"
    )
    territory = Territory.objects.get(slug="grand-sud")
    figures = [
        _time("overall"),
        _time("territory=grand-sud", territory=territory),
        _time("actor_category=usagers", actor_category="usagers"),
        _time("territory+actor_category", territory=territory, actor_category="usagers"),
    ]
    print(f"slowest results computation: {max(figures):.3f} s (target < {TARGET_SECONDS} s)")
