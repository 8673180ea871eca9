"""Public pages: contributions (list, detail, submit, edit, moderate) and questionnaires."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from analysis.services.screening import moderation_page_screening
from egts import ratelimit, resubmission
from egts.cache import public_page
from egts.models import Department
from egts.moderation import ModerationError, ModerationStatus
from egts.pagination import BoundedPaginator

from . import forms, pages, services
from .charts import results_for_display
from .filters import ContributionFilter
from .models import Contribution, Questionnaire, Response
from .results import questionnaire_results
from .similar import similar_contributions

PAGE_SIZE = 20
# A contribution form is a few kilobytes; anything far bigger is a mistake or an abuse.
MAX_FORM_BODY = 128 * 1024


def _too_large(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_FORM_BODY
    except ValueError:
        return False


def _participant_space_url(fallback: str) -> str:
    try:
        return reverse("participant-space")
    except NoReverseMatch:
        return fallback


# --- Contributions ----------------------------------------------------------------------


def _card(contribution: Contribution) -> dict:
    """A DSFR card for the public list: moderated text, territory, themes; never the author."""
    place = (
        contribution.department.name
        if contribution.department
        else (contribution.territory.name if contribution.territory else _("National"))
    )
    return {
        "title": contribution.title,
        "description": contribution.public_body,
        "link": contribution.get_absolute_url(),
        "heading_tag": "h3",
        "top_detail": {
            "detail": {
                "text": f"{contribution.get_kind_display()} · {place}",
                "icon_class": "fr-icon-map-pin-2-line",
            },
            "badges": [
                {"label": theme.label, "extra_classes": "fr-badge--sm fr-badge--blue-ecume"}
                for theme in contribution.themes.all()
            ],
        },
        "bottom_detail": {"text": contribution.get_actor_category_display()},
    }


@public_page(tags=pages.list_tags)
def contribution_list(request):
    # Invalid filters are shown in error beside their field, and ignored.
    filterset = ContributionFilter(
        request.GET or None, queryset=Contribution.objects.published(), request=request
    )
    contributions = filterset.qs.with_references()
    paginator = BoundedPaginator(contributions, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return render(
        request,
        "contributions/contribution_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "cards": [_card(c) for c in page.object_list],
            "is_filtered": filterset.is_filtered,
            "breadcrumb_data": {"links": [], "current": _("Contributions")},
        },
    )


@public_page(tags=pages.detail_tags)
def contribution_detail(request, pk: int):
    contribution = get_object_or_404(
        Contribution.objects.visible_to(request.user).with_references(), pk=pk
    )
    user = request.user
    return render(
        request,
        "contributions/contribution_detail.html",
        {
            "contribution": contribution,
            "can_see_status": user.has_perm("contributions.view_status_contribution", contribution),
            "can_edit": user.has_perm("contributions.change_contribution", contribution),
            "can_moderate": user.has_perm("contributions.moderate_contribution", contribution),
            "breadcrumb_data": {
                "links": [{"url": reverse("contributions:list"), "title": _("Contributions")}],
                "current": contribution.title,
            },
        },
    )


def _render_form(request, form, *, contribution=None, status=200, alert="", similar=None):
    editing = contribution is not None
    title = _("Modifier ma contribution") if editing else _("Contribuer")
    return render(
        request,
        "contributions/contribution_form.html",
        {
            "form": form,
            "contribution": contribution,
            "page_heading": title,
            "alert": alert,
            # None: not looked up yet (the script fills the panel as one types).
            "similar": similar,
            "breadcrumb_data": {
                "links": [{"url": reverse("contributions:list"), "title": _("Contributions")}],
                "current": title,
            },
        },
        status=status,
    )


def _flag_message(request, contribution: Contribution) -> None:
    if contribution.flags:
        messages.warning(
            request,
            _(
                "Votre texte semble contenir une adresse électronique ou un numéro de téléphone : "
                "la modération les retirera avant toute publication."
            ),
        )


# The name of the form's secondary button (the look-up without JavaScript).
SIMILAR_BUTTON = "voir_proches"


@login_required
@require_http_methods(["GET", "POST"])
def contribution_submit(request):
    user = request.user
    if request.method == "GET":
        form = forms.ContributionForm(
            initial={"actor_category": user.actor_category, "department": user.department_id}
        )
        return _render_form(request, form)
    form = forms.ContributionForm(request.POST)
    if _too_large(request):
        form.is_valid()
        return _render_form(
            request,
            form,
            status=413,
            alert=_("Votre envoi est trop volumineux : raccourcissez-le."),
        )
    if SIMILAR_BUTTON in request.POST:
        # "Voir les contributions proches", for those without JavaScript: the same form
        # again with what was typed, and the list; nothing is saved or checked yet.
        found = similar_contributions(form.text_for_similar())
        return _render_form(request, form.unchecked_copy(), similar=found)
    if not form.is_valid():
        return _render_form(request, form)
    try:
        ratelimit.hit(scope="contribution_submit", request=request)
    except ratelimit.RateLimited as exc:
        return _render_form(request, form, status=429, alert=ratelimit.message_for(exc))
    contribution = services.contribution_submit(author=user, **form.service_kwargs())
    messages.success(
        request,
        _("Merci ! Votre contribution est enregistrée ; elle sera publiée après modération."),
    )
    _flag_message(request, contribution)
    return redirect(_participant_space_url(contribution.get_absolute_url()))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, pk: int):
    contribution = get_object_or_404(
        Contribution.objects.authored_by(request.user).prefetch_related("themes", "policies"),
        pk=pk,
    )
    if not request.user.has_perm("contributions.change_contribution", contribution):
        messages.error(
            request, _("Cette contribution a déjà été modérée : elle n'est plus modifiable.")
        )
        return redirect(contribution.get_absolute_url())
    if request.method == "GET":
        form = forms.ContributionForm(
            initial={
                "kind": contribution.kind,
                "title": contribution.title,
                "body": contribution.body,
                "themes": list(contribution.themes.all()),
                "policies": list(contribution.policies.all()),
                "department": contribution.department_id,
                "actor_category": contribution.actor_category,
            }
        )
        return _render_form(request, form, contribution=contribution)
    form = forms.ContributionForm(request.POST)
    if _too_large(request):
        form.is_valid()
        return _render_form(
            request,
            form,
            contribution=contribution,
            status=413,
            alert=_("Votre envoi est trop volumineux : raccourcissez-le."),
        )
    if not form.is_valid():
        return _render_form(request, form, contribution=contribution)
    try:
        services.contribution_update(
            contribution=contribution, author=request.user, **form.service_kwargs()
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _render_form(request, form, contribution=contribution)
    messages.success(request, _("Votre contribution est modifiée."))
    _flag_message(request, contribution)
    return redirect(_participant_space_url(contribution.get_absolute_url()))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_moderate(request, pk: int):
    contribution = get_object_or_404(
        Contribution.objects.moderated_by(request.user).with_references(), pk=pk
    )
    if not request.user.has_perm("contributions.moderate_contribution", contribution):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.ModerationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.contribution_moderate(
                    contribution=contribution,
                    moderator=request.user,
                    decision=data["decision"],
                    reason=data["reason"],
                    message=data["message"],
                    published_body=data["published_body"]
                    if data["decision"] == "publish"
                    else None,
                )
            except ModerationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("Décision enregistrée : %(status)s.")
                    % {"status": ModerationStatus(contribution.status).label},
                )
                return redirect(contribution.get_absolute_url())
    else:
        form = forms.ModerationForm(
            initial={"published_body": contribution.published_body or contribution.body}
        )
    return render(
        request,
        "contributions/contribution_moderate.html",
        {
            "form": form,
            "contribution": contribution,
            "screening": moderation_page_screening(contribution),
            "breadcrumb_data": {
                "links": [
                    {"url": reverse("contributions:list"), "title": _("Contributions")},
                    {"url": contribution.get_absolute_url(), "title": contribution.title},
                ],
                "current": _("Modérer"),
            },
        },
    )


# --- Questionnaires ---------------------------------------------------------------------


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

    questions = services.questionnaire_questions(questionnaire)
    steps = _steps(questions)
    total = len(steps) + 1
    key = _session_key(questionnaire)
    state = request.session.get(key) or {"respondent": None, "answers": {}, "reached": 0}
    try:
        index = int(request.POST.get("etape", request.GET.get("etape", 0)))
    except (TypeError, ValueError):
        index = 0
    # One cannot skip ahead of the furthest step reached.
    index = max(0, min(index, state.get("reached", 0), total - 1))

    def save():
        request.session[key] = state
        request.session.modified = True

    def go(target: int):
        return redirect(f"{request.path}?etape={target}")

    def next_index(current: int, direction: int) -> int:
        """The next step with at least one visible question (conditions may empty a step)."""
        target = current + direction
        while 1 <= target < total and not _visible_questions(
            questions, steps[target - 1], state["answers"]
        ):
            target += direction
        return max(0, target)

    def step_titles(i: int) -> str:
        return _("Vous") if i == 0 else _("Questions, partie %(n)s") % {"n": i}

    def page(form, i, *, status=200, alert=""):
        return _questionnaire_page(
            request,
            questionnaire,
            {
                "form": form,
                "step_index": i,
                "is_last": next_index(i, 1) >= total,
                "stepper": {
                    "current_step_id": i + 1,
                    "total_steps": total,
                    "current_step_title": step_titles(i),
                    "next_step_title": step_titles(i + 1) if i + 1 < total else "",
                },
                "alert": alert,
            },
            status=status,
        )

    if index == 0:
        if request.method == "POST":
            form = forms.RespondentForm(request.POST)
            if form.is_valid():
                department = form.cleaned_data["department"]
                state["respondent"] = {
                    "actor_category": form.cleaned_data["actor_category"],
                    "department": department.pk if department else None,
                }
                state["reached"] = max(state.get("reached", 0), next_index(0, 1))
                save()
                return go(next_index(0, 1))
            return page(form, 0)
        form = forms.RespondentForm(initial=state["respondent"] or {})
        return page(form, 0)

    step = steps[index - 1]
    visible = _visible_questions(questions, step, state["answers"])
    if not visible:
        return go(next_index(index, 1) if index < total - 1 else 0)
    if request.method == "GET":
        initial = {
            forms.question_field_name(q): state["answers"][str(q.id)]
            for q in visible
            if str(q.id) in state["answers"]
        }
        return page(forms.QuestionStepForm(questions=visible, initial=initial), index)

    form = forms.QuestionStepForm(request.POST, questions=visible)
    going_back = "precedent" in request.POST
    if _too_large(request):
        form.is_valid()
        return page(form, index, status=413, alert=_("Votre envoi est trop volumineux."))
    if not form.is_valid():
        if going_back:
            return go(next_index(index, -1))
        return page(form, index)
    for question in visible:
        state["answers"].pop(str(question.id), None)
    state["answers"].update(form.stored_answers())
    if going_back:
        save()
        return go(next_index(index, -1))
    following = next_index(index, 1)
    if following < total:
        state["reached"] = max(state.get("reached", 0), following)
        save()
        return go(following)

    # Last step: record the whole response.
    save()
    respondent = state.get("respondent") or {}
    if not respondent.get("actor_category"):
        return go(0)
    chosen = _chosen_ids(state["answers"])
    shown = [q for q in questions if services.is_shown(q, chosen)]
    if not user.is_authenticated:
        try:
            ratelimit.hit(scope="questionnaire_response", request=request)
        except ratelimit.RateLimited as exc:
            return page(form, index, status=429, alert=ratelimit.message_for(exc))
    department = (
        Department.objects.select_related("region").filter(pk=respondent.get("department")).first()
    )
    try:
        services.response_submit(
            questionnaire=questionnaire,
            user=user,
            actor_category=respondent["actor_category"],
            department=department,
            answers=forms.answers_payload(shown, state["answers"]),
            sender=resubmission.sender_of(request),
        )
    except ValidationError as exc:
        problems = [m for messages_ in exc.message_dict.values() for m in messages_]
        return page(form, index, status=400, alert=" ".join(problems))
    request.session.pop(key, None)
    messages.success(request, _("Merci ! Votre réponse est enregistrée."))
    return redirect(reverse("contributions:questionnaire-results", kwargs={"slug": slug}))


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
