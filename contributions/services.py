"""Every write of the contributions app: submit, edit, moderate, answer a questionnaire."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from egts import resubmission
from egts.models import ActorCategory, Department, Policy, Theme
from egts.moderation import (
    Decision,
    ModerationError,
    ModerationStatus,
    RejectReason,
    apply_bulk_decision,
    apply_decision,
    detect_personal_data,
)
from egts.search import SEARCH_CONFIG

from .models import (
    BODY_MAX_LENGTH,
    Answer,
    Contribution,
    ContributionSource,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
)

# --- Contributions ----------------------------------------------------------------------

# The same contribution sent again this soon by its author is the same submission
# (double click, browser or network retry): it answers the first one, not a copy.
RESUBMISSION_WINDOW = resubmission.WINDOW


def refresh_search_vectors(ids: Iterable[int]) -> None:
    """Recompute the stored search vector (title weighs more than the text)."""
    ids = list(ids)
    if not ids or connection.vendor != "postgresql":
        return
    Contribution.objects.filter(pk__in=ids).update(
        search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("published_body", weight="B", config=SEARCH_CONFIG)
    )


def contribution_submit(
    *,
    author,
    kind: str,
    title: str,
    body: str,
    themes: Sequence[Theme],
    policies: Sequence[Policy] = (),
    department: Department | None = None,
    actor_category: str,
    source: str = ContributionSource.ONLINE,
) -> Contribution:
    """A new contribution, pending in its territory's queue (national without department).

    An identical one from the same author in the last RESUBMISSION_WINDOW is returned
    instead of a copy. Offline entries (no author) are never merged.
    """
    signed_in = getattr(author, "is_authenticated", False)
    contribution = Contribution(
        kind=kind,
        title=title,
        body=body,
        department=department,
        territory=department.region.territory if department else None,
        actor_category=actor_category,
        source=source,
        author=author if signed_in else None,
        flags=detect_personal_data(title, body, with_names=False),  # names: the task
        status=ModerationStatus.PENDING,
        submitted_at=timezone.now(),
    )
    theme_codes = list(dict.fromkeys(theme.pk for theme in themes))  # each once, as given
    policy_codes = list(dict.fromkeys(policy.pk for policy in policies))
    if not signed_in:  # offline entries and anonymous API clients are never merged
        with transaction.atomic():
            return _insert(contribution, theme_codes, policy_codes)
    contribution, _created = resubmission.submit_once(
        sender=resubmission.user_sender(contribution.author),
        fingerprint=_fingerprint(contribution),
        author=contribution.author,
        create=lambda: _insert(contribution, theme_codes, policy_codes),
        find=lambda pk: Contribution.objects.filter(pk=pk).first(),
    )
    return contribution


def _send_after_commit(task: str, *args) -> None:
    """Queue a task of ``contributions.tasks`` once the transaction commits (at once outside
    one). A broker that cannot be reached is logged, never the submitter's error."""

    def send():
        from . import tasks

        getattr(tasks, task).delay(*args)

    transaction.on_commit(send, robust=True)


def _same_contribution(contribution: Contribution) -> Contribution | None:
    return (
        Contribution.objects.filter(
            author=contribution.author,
            kind=contribution.kind,
            title=contribution.title,
            body=contribution.body,
            department=contribution.department,
        )
        .order_by("-pk")
        .first()
    )


def _fingerprint(contribution: Contribution) -> str:
    return resubmission.fingerprint(
        "contribution",
        contribution.kind,
        contribution.title,
        contribution.body,
        contribution.department_id,
    )


def _insert(contribution: Contribution, theme_codes, policy_codes) -> Contribution:
    """The contribution and its links, inside the caller's transaction: three inserts."""
    contribution.save(force_insert=True)
    _send_after_commit("screen_contribution", contribution.pk)
    contribution.theme_codes = _link(
        Contribution.themes.through, contribution, "theme_id", theme_codes
    )
    contribution.policy_codes = _link(
        Contribution.policies.through, contribution, "policy_id", policy_codes
    )
    return contribution


def _link(through, contribution: Contribution, column: str, codes: list[str]) -> list[str]:
    through.objects.bulk_create(
        [through(contribution_id=contribution.pk, **{column: code}) for code in codes]
    )
    return codes


@transaction.atomic
def contribution_update(
    *,
    contribution: Contribution,
    author,
    kind: str,
    title: str,
    body: str,
    themes: Sequence[Theme],
    policies: Sequence[Policy] = (),
    department: Department | None = None,
    actor_category: str,
) -> Contribution:
    """The author edits a contribution still waiting for moderation."""
    if contribution.author_id is None or contribution.author_id != getattr(author, "pk", None):
        raise PermissionDenied
    if contribution.status != ModerationStatus.PENDING:
        raise ValidationError(
            {"non_field_errors": [_("Une contribution déjà modérée ne peut plus être modifiée.")]}
        )
    contribution.kind = kind
    contribution.title = title
    contribution.body = body
    contribution.department = department
    contribution.territory_id = department.region.territory_id if department else None
    contribution.actor_category = actor_category
    contribution.flags = detect_personal_data(title, body, with_names=False)
    contribution.save()
    _send_after_commit("screen_contribution", contribution.pk)
    contribution.themes.set(themes)
    contribution.policies.set(policies)
    return contribution


def _notify_author(contribution: Contribution) -> None:
    """Tell the author that their contribution was published or rejected."""
    author = contribution.author
    if author is None or not author.email:
        return
    if contribution.status == ModerationStatus.PUBLISHED:
        template = "emails/contributions/published"
        subject = _("Votre contribution est publiée")
    elif contribution.status == ModerationStatus.REJECTED:
        template = "emails/contributions/rejected"
        subject = _("Votre contribution n'a pas été publiée")
    else:
        return
    context = {
        "contribution": contribution,
        "reason": RejectReason(contribution.moderation_reason).label
        if contribution.moderation_reason
        else "",
        "message": contribution.moderation_message,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    send_mail(
        subject=f"[EGTS] {subject}",
        message=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[author.email],
    )


def _check_moderator(*, moderator, contribution: Contribution) -> None:
    if not moderator.has_perm("contributions.moderate_contribution", contribution):
        raise PermissionDenied


@transaction.atomic
def contribution_moderate(
    *,
    contribution: Contribution,
    moderator,
    decision: str,
    reason: str = "",
    message: str = "",
    published_body: str | None = None,
) -> Contribution:
    """Publish or reject one contribution, log the decision and e-mail the author."""
    _check_moderator(moderator=moderator, contribution=contribution)
    update_fields: list[str] = []
    if published_body is not None and decision == Decision.PUBLISH:
        published_body = published_body.strip()
        if not published_body:
            raise ModerationError(
                {"published_body": [_("Le texte publié ne peut pas être vide.")]}, code="required"
            )
        if len(published_body) > BODY_MAX_LENGTH:
            raise ModerationError(
                {
                    "published_body": [
                        _("Le texte publié ne peut dépasser %(max)s caractères.")
                        % {"max": BODY_MAX_LENGTH}
                    ]
                },
                code="max_length",
            )
        contribution.published_body = published_body
        update_fields.append("published_body")
    elif decision == Decision.PUBLISH and not contribution.published_body:
        contribution.published_body = contribution.body
        update_fields.append("published_body")
    apply_decision(
        item=contribution,
        decided_by=moderator,
        decision=decision,
        reason=reason,
        message=message,
        allow_request_changes=False,
        update_fields=update_fields,
    )
    refresh_search_vectors([contribution.pk])
    if contribution.status == ModerationStatus.PUBLISHED:
        _send_after_commit("refresh_signatures", [contribution.pk])
    transaction.on_commit(lambda: _notify_author(contribution))
    return contribution


@transaction.atomic
def contributions_bulk_moderate(
    *,
    contributions: Iterable[Contribution],
    moderator,
    decision: str,
    reason: str = "",
    message: str = "",
) -> list[Contribution]:
    """One decision for a selection of the queue; refused as a whole if one item is not allowed."""
    contributions = list(contributions)
    for contribution in contributions:
        _check_moderator(moderator=moderator, contribution=contribution)
    if decision == Decision.REQUEST_CHANGES:
        raise ModerationError(
            {"decision": [_("Cette décision n'est possible que pour une pratique.")]},
            code="invalid",
        )
    apply_bulk_decision(
        items=contributions, decided_by=moderator, decision=decision, reason=reason, message=message
    )
    if decision == Decision.PUBLISH:
        missing = [c for c in contributions if not c.published_body]
        for contribution in missing:
            contribution.published_body = contribution.body
        Contribution.objects.bulk_update(missing, ["published_body"], batch_size=500)
        _send_after_commit("refresh_signatures", [c.pk for c in contributions])
    refresh_search_vectors(c.pk for c in contributions)
    authors = {
        u.pk: u
        for u in type(moderator)
        .objects.filter(pk__in={c.author_id for c in contributions if c.author_id})
        .only("pk", "email")
    }
    for contribution in contributions:
        contribution.author = authors.get(contribution.author_id)

    def notify_all():
        for contribution in contributions:
            _notify_author(contribution)

    transaction.on_commit(notify_all)
    return contributions


# --- Questionnaire responses ------------------------------------------------------------


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
        if not isinstance(raw, dict):
            errors.append(_("Chaque réponse doit être un objet."))
            continue
        try:
            question = by_id[int(raw.get("question"))]
        except (KeyError, TypeError, ValueError):
            errors.append(_("Question inconnue : %(id)s.") % {"id": str(raw.get("question"))[:20]})
            continue
        if question.id in cleaned:
            errors.append(
                _("La question « %(label)s » a deux réponses.") % {"label": question.label}
            )
            continue
        choice_ids = question.choice_ids
        item: dict = {}
        try:
            if question.kind == QuestionKind.SINGLE:
                picked = raw.get("choice")
                if picked in (None, ""):
                    continue
                picked = int(picked)
                if picked not in choice_ids:
                    raise ValueError
                item["choices"] = [picked]
            elif question.kind == QuestionKind.MULTIPLE:
                picked = raw.get("choices", [])
                if not isinstance(picked, list):
                    raise ValueError
                picked_ids = [int(p) for p in picked]
                if any(p not in choice_ids for p in picked_ids):
                    raise ValueError
                if not picked_ids:
                    continue
                item["choices"] = sorted(set(picked_ids))
            elif question.kind == QuestionKind.SCALE:
                value = raw.get("value")
                if value in (None, ""):
                    continue
                if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                    raise TypeError
                value = int(value)
                if not question.scale_min <= value <= question.scale_max:
                    errors.append(
                        _("« %(label)s » : la valeur doit être comprise entre %(min)s et %(max)s.")
                        % {
                            "label": question.label,
                            "min": question.scale_min,
                            "max": question.scale_max,
                        }
                    )
                    continue
                item["value"] = value
            else:
                text = raw.get("text", "")
                if not isinstance(text, str) or "\x00" in text:
                    raise TypeError
                text = text.strip()
                if not text:
                    continue
                if len(text) > BODY_MAX_LENGTH:
                    invalid.add(question.id)
                    errors.append(
                        _("« %(label)s » : %(max)s caractères au plus.")
                        % {"label": question.label, "max": BODY_MAX_LENGTH}
                    )
                    continue
                item["text"] = text
        except (TypeError, ValueError):
            invalid.add(question.id)
            errors.append(
                _("« %(label)s » : ce choix n'appartient pas à cette question.")
                % {"label": question.label}
                if question.has_choices
                else _("« %(label)s » : réponse invalide.") % {"label": question.label}
            )
            continue
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
    """The response and its answers (each ``{attname: value}``) in one transaction, whose
    commit checks the answers' choices (foreign keys are checked at commit). ``sender``
    (egts.resubmission.sender_of): the same response sent again by the same person within
    the window answers with the first one."""

    def insert() -> Response:
        response.save(force_insert=True)
        Answer.objects.bulk_create(Answer(response=response, **row) for row in rows)
        return response

    if sender is None:
        with transaction.atomic():
            return insert()
    fingerprint = resubmission.fingerprint(
        "questionnaire_response",
        response.questionnaire_id,
        response.actor_category,
        response.department_id,
        sorted(json.dumps(row, sort_keys=True) for row in rows),  # in any order
    )
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
