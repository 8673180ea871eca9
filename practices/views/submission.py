"""Submission in steps: the wizard, its attachments, abandoning a draft."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from egts import ratelimit
from egts.moderation import ModerationStatus
from egts.uploads import report_refused_uploads

from .. import forms, services
from ..models import Practice, PracticeAttachment
from .common import _catalogue_link, _participant_space_url


def _step(number: int) -> forms.Step:
    if not 1 <= number <= len(forms.STEPS):
        raise Http404
    return forms.STEPS[number - 1]


def _render_step(request, *, step, form, practice=None, status=200, missing=None, alert=""):
    next_step = forms.STEPS[step.number] if step.number < len(forms.STEPS) else None
    heading = (
        _("Modifier ma pratique")
        if practice and not practice.is_draft
        else _("Proposer une pratique")
    )
    return render(
        request,
        "practices/step.html",
        {
            "practice": practice,
            "form": form,
            "step": step,
            "steps": forms.STEPS,
            "stepper": {
                "current_step_id": step.number,
                "total_steps": len(forms.STEPS),
                "current_step_title": step.title,
                "next_step_title": next_step.title if next_step else "",
            },
            "attachments": list(practice.attachments.all()) if practice else [],
            "missing": missing or [],
            "alert": alert,
            "page_heading": heading,
            "is_resubmission": bool(
                practice and practice.status == ModerationStatus.CHANGES_REQUESTED
            ),
            "breadcrumb_data": {"links": [_catalogue_link()], "current": heading},
        },
        status=status,
    )


def _step_data(form, step) -> dict:
    return {name: form.cleaned_data.get(name) for name in step.fields}


def _complete(form, step, action: str) -> bool:
    """Moving on (or sending) checks this step's required fields now, not at the last step;
    saving a draft or going back keeps whatever was typed."""
    if action not in ("next", "submit"):
        return True
    for name, field_messages in services.missing_fields(form.cleaned_data, step.fields).items():
        for message in field_messages:
            form.add_error(name, message)
    return not form.errors


@login_required
@require_http_methods(["GET", "POST"])
def practice_submit(request):
    """Step 1 of a new practice; the draft exists from the first save on."""
    step = forms.STEPS[0]
    if request.method == "GET":
        return _render_step(request, step=step, form=step.form_class())
    form = step.form_class(request.POST)
    if not form.is_valid() or not _complete(form, step, request.POST.get("action", "next")):
        return _render_step(request, step=step, form=form)
    try:
        ratelimit.hit(scope="practice_submit", request=request)
    except ratelimit.RateLimited as exc:
        response = _render_step(
            request, step=step, form=form, status=429, alert=ratelimit.message_for(exc)
        )
        response["Retry-After"] = str(exc.retry_after)
        return response
    practice = services.practice_draft_create(author=request.user, data=_step_data(form, step))
    if request.POST.get("action") == "save":
        messages.success(request, _("Brouillon enregistré : vous pourrez le reprendre plus tard."))
        return redirect("practices:edit-step", pk=practice.pk, step=1)
    return redirect("practices:edit-step", pk=practice.pk, step=2)


def _missing_list(practice: Practice, errors: dict) -> list[dict]:
    """What blocks the submission, each with a link to the step where it is typed."""
    return [
        {
            "message": " ".join(str(m) for m in field_messages),
            "url": reverse(
                "practices:edit-step",
                kwargs={"pk": practice.pk, "step": forms.STEP_OF_FIELD.get(name, 1)},
            ),
        }
        for name, field_messages in errors.items()
    ]


def _send_to_moderation(request, *, step, form, practice: Practice):
    """The last step's "send", once the step is saved: a practice already waiting for
    moderation only keeps its edits; a draft, or one sent back for changes, goes to the queue."""
    if practice.status == ModerationStatus.PENDING and not practice.is_draft:
        messages.success(request, _("Vos modifications sont enregistrées."))
        return redirect(practice.get_absolute_url())
    resubmission = practice.status == ModerationStatus.CHANGES_REQUESTED
    try:
        services.practice_submit(practice=practice, author=request.user)
    except ValidationError as exc:
        missing = _missing_list(practice, exc.message_dict)
        practice = Practice.objects.prefetch_related("attachments").get(pk=practice.pk)
        return _render_step(
            request, step=step, form=form, practice=practice, status=400, missing=missing
        )
    messages.success(
        request,
        _("Merci ! Votre pratique est de nouveau soumise à la modération.")
        if resubmission
        else _("Merci ! Votre pratique est envoyée ; elle sera publiée après modération."),
    )
    return redirect(_participant_space_url(practice.get_absolute_url()))


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit_step(request, pk: int, step: int):
    step = _step(step)
    practice = get_object_or_404(
        Practice.objects.authored_by(request.user).prefetch_related(
            "themes", "policies", "attachments"
        ),
        pk=pk,
    )
    if not request.user.has_perm("practices.change_practice", practice):
        messages.error(
            request, _("Cette pratique a déjà été modérée : elle n'est plus modifiable.")
        )
        return redirect(practice.get_absolute_url())
    if request.method == "GET":
        form = step.form_class(initial=forms.step_initial(practice, step))
        return _render_step(request, step=step, form=form, practice=practice)
    form = step.form_class(request.POST, request.FILES)
    action = request.POST.get("action", "next")
    # A body far over the limit was not read past its file: what was typed is still shown.
    if report_refused_uploads(form, request):
        return _render_step(request, step=step, form=form, practice=practice, status=413)
    if not form.is_valid() or not _complete(form, step, action):
        return _render_step(request, step=step, form=form, practice=practice)
    services.practice_save_step(
        practice=practice, author=request.user, data=_step_data(form, step), step=step.number
    )
    uploaded = form.cleaned_data.get("file")
    if uploaded:
        try:
            services.practice_attach(practice=practice, author=request.user, uploaded=uploaded)
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
            practice = Practice.objects.prefetch_related("attachments").get(pk=practice.pk)
            return _render_step(request, step=step, form=form, practice=practice, status=400)
        messages.success(request, _("Pièce jointe ajoutée."))
    if action == "previous" and step.number > 1:
        return redirect("practices:edit-step", pk=practice.pk, step=step.number - 1)
    if action == "next" and step.number < len(forms.STEPS):
        return redirect("practices:edit-step", pk=practice.pk, step=step.number + 1)
    if action == "submit":
        return _send_to_moderation(request, step=step, form=form, practice=practice)
    if not uploaded:
        messages.success(request, _("Brouillon enregistré."))
    return redirect("practices:edit-step", pk=practice.pk, step=step.number)


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_id: int):
    practice = get_object_or_404(Practice.objects.authored_by(request.user), pk=pk)
    attachment = get_object_or_404(PracticeAttachment, pk=attachment_id, practice=practice)
    try:
        services.practice_detach(practice=practice, author=request.user, attachment=attachment)
    except PermissionDenied:
        messages.error(request, _("Cette pratique n'est plus modifiable."))
        return redirect(practice.get_absolute_url())
    messages.success(request, _("Pièce jointe retirée."))
    return redirect("practices:edit-step", pk=practice.pk, step=len(forms.STEPS))


@login_required
@require_POST
def practice_delete_draft(request, pk: int):
    practice = get_object_or_404(Practice.objects.authored_by(request.user), pk=pk)
    try:
        services.practice_delete_draft(practice=practice, author=request.user)
    except (PermissionDenied, ValidationError):
        messages.error(request, _("Seul un brouillon peut être supprimé."))
        return redirect(practice.get_absolute_url())
    messages.success(request, _("Brouillon supprimé."))
    return redirect(_participant_space_url(reverse("practices:catalogue")))
