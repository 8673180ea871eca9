"""Questionnaire responses: the questions held in memory, checking answers, recording one."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from egts import resubmission
from egts.models import ActorCategory, Department, SubmissionGuard

from ..models import BODY_MAX_LENGTH, Answer, Question, QuestionKind, Questionnaire, Response
from .one_statement import insert_response


def questionnaire_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions in order, each with its choices: two queries."""
    return list(questionnaire.questions.prefetch_related("choices").order_by("step", "order", "id"))


# Each process keeps the questionnaires that receive responses, with their questions and
# choices, for QUESTIONNAIRE_CACHE_SECONDS: an answer is then checked without a query.
# Saving or deleting any of them in this process drops the copy at once (forget_questionnaires).
_held_questionnaires: dict[str, tuple[float, Questionnaire, list[Question]]] = {}


def questionnaire_for_answers(slug: str) -> tuple[Questionnaire, list[Question]] | None:
    """The questionnaire named ``slug`` and its questions, if it has opened; else None.

    The objects are shared by the requests of this process: read them, never change them.
    """
    now = time.monotonic()
    held = _held_questionnaires.get(slug)
    if held is None or now - held[0] >= settings.QUESTIONNAIRE_CACHE_SECONDS:
        questionnaire = Questionnaire.objects.filter(slug=slug).first()
        if questionnaire is None:
            _held_questionnaires.pop(slug, None)
            return None
        held = (now, questionnaire, questionnaire_questions(questionnaire))
        _held_questionnaires[slug] = held
    _at, questionnaire, questions = held
    if questionnaire.opens_at > timezone.now():
        return None
    return questionnaire, questions


def forget_questionnaires(**_kwargs) -> None:
    _held_questionnaires.clear()


def is_shown(question: Question, chosen_ids: set[int]) -> bool:
    """A conditional question applies only when its condition choice was picked."""
    return question.condition_choice_id is None or question.condition_choice_id in chosen_ids


class _Refused(Exception):
    """An answer that names its own problem (``message``) instead of the generic one."""

    def __init__(self, message: str):
        self.message = message


def _clean_single(question: Question, raw: dict) -> dict | None:
    picked = raw.get("choice")
    if picked in (None, ""):
        return None
    picked = int(picked)
    if picked not in question.choice_ids:
        raise ValueError
    return {"choices": [picked]}


def _clean_multiple(question: Question, raw: dict) -> dict | None:
    picked = raw.get("choices", [])
    if not isinstance(picked, list):
        raise ValueError
    picked_ids = [int(p) for p in picked]
    if any(p not in question.choice_ids for p in picked_ids):
        raise ValueError
    return {"choices": sorted(set(picked_ids))} if picked_ids else None


def _clean_scale(question: Question, raw: dict) -> dict | None:
    value = raw.get("value")
    if value in (None, ""):
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise TypeError
    value = int(value)
    if not question.scale_min <= value <= question.scale_max:
        raise _Refused(
            _("« %(label)s » : la valeur doit être comprise entre %(min)s et %(max)s.")
            % {"label": question.label, "min": question.scale_min, "max": question.scale_max}
        )
    return {"value": value}


def _clean_text(question: Question, raw: dict) -> dict | None:
    text = raw.get("text", "")
    if not isinstance(text, str) or "\x00" in text:
        raise TypeError
    text = text.strip()
    if not text:
        return None
    if len(text) > BODY_MAX_LENGTH:
        raise _Refused(
            _("« %(label)s » : %(max)s caractères au plus.")
            % {"label": question.label, "max": BODY_MAX_LENGTH}
        )
    return {"text": text}


_CLEANERS = {
    QuestionKind.SINGLE: _clean_single,
    QuestionKind.MULTIPLE: _clean_multiple,
    QuestionKind.SCALE: _clean_scale,
}


def _question_of(raw, by_id: dict[int, Question]) -> Question:
    """The question an answer names; ValidationError's message otherwise."""
    if not isinstance(raw, dict):
        raise _Refused(_("Chaque réponse doit être un objet."))
    try:
        return by_id[int(raw.get("question"))]
    except (KeyError, TypeError, ValueError):
        raise _Refused(
            _("Question inconnue : %(id)s.") % {"id": str(raw.get("question"))[:20]}
        ) from None


def _clean_answer(question: Question, raw: dict) -> dict | None:
    """The cleaned answer (``choices`` ids, ``value`` or ``text``), None when left blank."""
    try:
        return _CLEANERS.get(question.kind, _clean_text)(question, raw)
    except (TypeError, ValueError):
        raise _Refused(
            _("« %(label)s » : ce choix n'appartient pas à cette question.")
            % {"label": question.label}
            if question.has_choices
            else _("« %(label)s » : réponse invalide.") % {"label": question.label}
        ) from None


def validate_answers(
    *, questions: Sequence[Question], answers: Sequence[dict]
) -> list[tuple[Question, dict]]:
    """Check a list of ``{question, choice|choices|value|text}`` against the questions.

    Returns (question, cleaned) pairs where cleaned holds ``choices`` (ids), ``value`` or
    ``text``. Raises ValidationError({"answers": [...]}) naming each problem.
    """
    by_id = {q.id: q for q in questions}
    errors: list[str] = []
    cleaned: dict[int, dict] = {}
    invalid: set[int] = set()  # answered, but wrongly: reported once, not also as missing
    for raw in answers:
        question = None
        try:
            question = _question_of(raw, by_id)
            if question.id in cleaned:
                errors.append(
                    _("La question « %(label)s » a deux réponses.") % {"label": question.label}
                )
                continue
            item = _clean_answer(question, raw)
        except _Refused as refused:
            if question is not None:
                invalid.add(question.id)
            errors.append(refused.message)
            continue
        if item is not None:
            cleaned[question.id] = item
    chosen = {c for item in cleaned.values() for c in item.get("choices", [])}
    result = []
    for question in questions:
        shown = is_shown(question, chosen)
        if question.id in cleaned and shown:
            result.append((question, cleaned[question.id]))
        elif question.required and shown and question.id not in {*cleaned, *invalid}:
            errors.append(
                _("La question « %(label)s » est obligatoire.") % {"label": question.label}
            )
    if errors:
        raise ValidationError({"answers": errors})
    return result


def response_submit(
    *,
    questionnaire: Questionnaire,
    user,
    actor_category: str,
    department: Department | None,
    answers: Sequence[dict],
    questions: Sequence[Question] | None = None,
    sender: str | None = None,
) -> Response:
    """Record one complete response; refused if the questionnaire is closed.

    ``questions`` are the questionnaire's (questionnaire_questions), if the caller has them.
    ``sender`` (egts.resubmission.sender_of) makes the same response sent again by the same
    person within the window the first one, not a second count.
    """
    if not questionnaire.is_open():
        raise ValidationError(
            {"non_field_errors": [_("Ce questionnaire est clos : il ne reçoit plus de réponse.")]}
        )
    if actor_category not in ActorCategory.values:
        raise ValidationError({"actor_category": [_("Catégorie d'acteur inconnue.")]})
    signed_in = getattr(user, "is_authenticated", False)
    questions_held = questions is not None
    if not questions_held:
        questions = questionnaire_questions(questionnaire)
    cleaned = validate_answers(questions=questions, answers=answers)
    response = Response(
        questionnaire=questionnaire,
        user=user if signed_in else None,
        actor_category=actor_category,
        department=department,
        territory_id=department.region.territory_id if department else None,
    )
    rows = _answer_rows(cleaned)
    try:
        return _write_response(response, rows, sender=sender)
    except IntegrityError as exc:
        # One account answers once: the database's unique pair says so, without a query
        # before.
        if signed_in and Response.objects.filter(questionnaire=questionnaire, user=user).exists():
            raise ValidationError(
                {"non_field_errors": [_("Vous avez déjà répondu à ce questionnaire.")]}
            ) from exc
        if not questions_held:
            raise
        # The questions held in memory are older than the database: another process
        # removed a choice or a question. Check the answers again against the database's.
        forget_questionnaires()
        return response_submit(
            questionnaire=questionnaire,
            user=user,
            actor_category=actor_category,
            department=department,
            answers=answers,
            sender=sender,
        )


def _answer_rows(cleaned: list[tuple[Question, dict]]) -> list[dict]:
    """The answers to store, each ``{attname: value}``: one per chosen choice, value or text."""
    rows = []
    for question, item in cleaned:
        for choice_id in item.get("choices", []):
            rows.append({"question_id": question.pk, "choice_id": choice_id})
        if "value" in item:
            rows.append({"question_id": question.pk, "value": item["value"]})
        if "text" in item:
            rows.append({"question_id": question.pk, "text": item["text"]})
    return rows


def _write_response(response: Response, rows: list[dict], *, sender: str | None) -> Response:
    """The response and its answers (each ``{attname: value}``): in one statement on
    PostgreSQL (one_statement.py), else in one transaction, whose commit checks the answers'
    choices (foreign keys are checked at commit). ``sender``
    (egts.resubmission.sender_of): the same response sent again by the same person within
    the window answers with the first one."""

    def insert() -> Response:
        response.save(force_insert=True)
        Answer.objects.bulk_create(Answer(response=response, **row) for row in rows)
        return response

    fingerprint = sender and resubmission.fingerprint(
        "questionnaire_response",
        response.questionnaire_id,
        response.actor_category,
        response.department_id,
        sorted(json.dumps(row, sort_keys=True) for row in rows),  # in any order
    )
    if connection.vendor == "postgresql":  # one round trip: see one_statement.py
        guard = None if sender is None else (sender, response.user_id, fingerprint)
        if insert_response(response, rows, guard=guard):
            return response
        earlier = Response.objects.filter(
            questionnaire_id=response.questionnaire_id,
            pk=Subquery(
                SubmissionGuard.objects.filter(sender=sender, fingerprint=fingerprint).values(
                    "result_id"
                )[:1]
            ),
        ).first()
        if earlier is not None:
            return earlier
        # The first one is gone (deleted since): this one counts, through the ORM.
    if sender is None:
        with transaction.atomic():
            return insert()
    recorded, _created = resubmission.submit_once(
        sender=sender,
        author=response.user,
        fingerprint=fingerprint,
        create=insert,
        find=lambda pk: Response.objects.filter(
            pk=pk, questionnaire_id=response.questionnaire_id
        ).first(),
    )
    return recorded
