"""Public pages of questionnaires: the list, answering step by step, the results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egts import ratelimit, resubmission
from egts.models import Department

from .. import forms, services
from ..charts import results_for_display
from ..models import Questionnaire, Response
from ..results import questionnaire_results
from .common import too_large


def questionnaire_list(request):
    questionnaires = Questionnaire.objects.started()
    return render(
        request,
        "contributions/questionnaire_list.html",
        {
            "questionnaires": questionnaires,
            "breadcrumb_data": {"links": [], "current": _("Questionnaires")},
        },
    )


def _session_key(questionnaire: Questionnaire) -> str:
    return f"egts-questionnaire-{questionnaire.pk}"


def _steps(questions) -> list[int]:
    return sorted({q.step for q in questions})


def _chosen_ids(stored: dict) -> set[int]:
    chosen = set()
    for value in stored.values():
        if isinstance(value, list):
            chosen.update(v for v in value if isinstance(v, int))
        elif isinstance(value, int):
            chosen.add(value)
    return chosen


def _visible_questions(questions, step: int, stored: dict):
    """Questions of ``step`` whose condition (on an earlier step) is met."""
    chosen = _chosen_ids(stored)
    return [q for q in questions if q.step == step and services.is_shown(q, chosen)]


def _questionnaire_page(request, questionnaire, context, *, status=200):
    context = {
        "questionnaire": questionnaire,
        "breadcrumb_data": {
            "links": [
                {"url": reverse("contributions:questionnaire-list"), "title": _("Questionnaires")}
            ],
            "current": questionnaire.title,
        },
        **context,
    }
    return render(request, "contributions/questionnaire_step.html", context, status=status)


class _Answering:
    """One respondent's way through a questionnaire: a first step about them, then one
    step per group of questions (a condition may empty a step, which is then skipped); the
    answers wait in the session until the last step records the whole response."""

    def __init__(self, request, questionnaire: Questionnaire):
        self.request = request
        self.questionnaire = questionnaire
        self.questions = services.questionnaire_questions(questionnaire)
        self.steps = _steps(self.questions)
        self.total = len(self.steps) + 1
        self.key = _session_key(questionnaire)
        self.state = request.session.get(self.key) or {
            "respondent": None,
            "answers": {},
            "reached": 0,
        }

    def requested_index(self) -> int:
        request = self.request
        try:
            index = int(request.POST.get("etape", request.GET.get("etape", 0)))
        except (TypeError, ValueError):
            index = 0
        # One cannot skip ahead of the furthest step reached.
        return max(0, min(index, self.state.get("reached", 0), self.total - 1))

    def save(self) -> None:
        self.request.session[self.key] = self.state
        self.request.session.modified = True

    def go(self, target: int):
        return redirect(f"{self.request.path}?etape={target}")

    def visible(self, index: int):
        return _visible_questions(self.questions, self.steps[index - 1], self.state["answers"])

    def next_index(self, current: int, direction: int) -> int:
        """The next step with at least one visible question."""
        target = current + direction
        while 1 <= target < self.total and not self.visible(target):
            target += direction
        return max(0, target)

    def reach(self, index: int):
        self.state["reached"] = max(self.state.get("reached", 0), index)
        self.save()
        return self.go(index)

    @staticmethod
    def title(i: int) -> str:
        return _("Vous") if i == 0 else _("Questions, partie %(n)s") % {"n": i}

    def page(self, form, i: int, *, status: int = 200, alert: str = ""):
        stepper = {
            "current_step_id": i + 1,
            "total_steps": self.total,
            "current_step_title": self.title(i),
            "next_step_title": self.title(i + 1) if i + 1 < self.total else "",
        }
        context = {
            "form": form,
            "step_index": i,
            "is_last": self.next_index(i, 1) >= self.total,
            "stepper": stepper,
            "alert": alert,
        }
        return _questionnaire_page(self.request, self.questionnaire, context, status=status)

    def respondent_step(self):
        if self.request.method != "POST":
            return self.page(forms.RespondentForm(initial=self.state["respondent"] or {}), 0)
        form = forms.RespondentForm(self.request.POST)
        if not form.is_valid():
            return self.page(form, 0)
        department = form.cleaned_data["department"]
        self.state["respondent"] = {
            "actor_category": form.cleaned_data["actor_category"],
            "department": department.pk if department else None,
        }
        return self.reach(self.next_index(0, 1))

    def question_step(self, index: int):
        request = self.request
        visible = self.visible(index)
        if not visible:
            return self.go(self.next_index(index, 1) if index < self.total - 1 else 0)
        answers = self.state["answers"]
        if request.method == "GET":
            initial = {
                forms.question_field_name(q): answers[str(q.id)]
                for q in visible
                if str(q.id) in answers
            }
            return self.page(forms.QuestionStepForm(questions=visible, initial=initial), index)
        form = forms.QuestionStepForm(request.POST, questions=visible)
        going_back = "precedent" in request.POST
        if too_large(request):
            form.is_valid()
            return self.page(form, index, status=413, alert=_("Votre envoi est trop volumineux."))
        if not form.is_valid():
            return self.go(self.next_index(index, -1)) if going_back else self.page(form, index)
        for question in visible:
            answers.pop(str(question.id), None)
        answers.update(form.stored_answers())
        if going_back:
            self.save()
            return self.go(self.next_index(index, -1))
        following = self.next_index(index, 1)
        if following < self.total:
            return self.reach(following)
        self.save()
        return self.submit(form, index)

    def submit(self, form, index: int):
        """The last step: the whole response is recorded, the session forgets it."""
        request, user = self.request, self.request.user
        respondent = self.state.get("respondent") or {}
        if not respondent.get("actor_category"):
            return self.go(0)
        chosen = _chosen_ids(self.state["answers"])
        shown = [q for q in self.questions if services.is_shown(q, chosen)]
        if not user.is_authenticated:
            try:
                ratelimit.hit(scope="questionnaire_response", request=request)
            except ratelimit.RateLimited as exc:
                return self.page(form, index, status=429, alert=ratelimit.message_for(exc))
        department = (
            Department.objects.select_related("region")
            .filter(pk=respondent.get("department"))
            .first()
        )
        try:
            services.response_submit(
                questionnaire=self.questionnaire,
                user=user,
                actor_category=respondent["actor_category"],
                department=department,
                answers=forms.answers_payload(shown, self.state["answers"]),
                sender=resubmission.sender_of(request),
            )
        except ValidationError as exc:
            problems = [m for messages_ in exc.message_dict.values() for m in messages_]
            return self.page(form, index, status=400, alert=" ".join(problems))
        request.session.pop(self.key, None)
        messages.success(request, _("Merci ! Votre réponse est enregistrée."))
        return redirect(
            reverse("contributions:questionnaire-results", kwargs={"slug": self.questionnaire.slug})
        )


@require_http_methods(["GET", "POST"])
def questionnaire_answer(request, slug: str):
    questionnaire = get_object_or_404(Questionnaire.objects.started(), slug=slug)
    if not questionnaire.is_open():
        return _questionnaire_page(
            request,
            questionnaire,
            {"closed": True},
            status=200 if request.method == "GET" else 400,
        )
    user = request.user
    if (
        user.is_authenticated
        and Response.objects.filter(questionnaire=questionnaire, user=user).exists()
    ):
        return _questionnaire_page(request, questionnaire, {"already_answered": True})
    answering = _Answering(request, questionnaire)
    index = answering.requested_index()
    if index == 0:
        return answering.respondent_step()
    return answering.question_step(index)


def questionnaire_results_page(request, slug: str):
    questionnaire = get_object_or_404(Questionnaire.objects.started(), slug=slug)
    form = forms.ResultsFilterForm(request.GET or None)
    territory, actor_category = None, ""
    if form.is_bound and form.is_valid():
        territory = form.cleaned_data["territory"]
        actor_category = form.cleaned_data["actor_category"]
    results = questionnaire_results(
        questionnaire=questionnaire, territory=territory, actor_category=actor_category
    )
    return render(
        request,
        "contributions/questionnaire_results.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "results": results,
            "questions": results_for_display(results),
            "is_open": questionnaire.is_open(),
            "breadcrumb_data": {
                "links": [
                    {
                        "url": reverse("contributions:questionnaire-list"),
                        "title": _("Questionnaires"),
                    }
                ],
                "current": _("Résultats : %(title)s") % {"title": questionnaire.title},
            },
        },
    )
