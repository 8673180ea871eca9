"""Public and back-office pages of significant practices: thin views over the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egts import ratelimit
from egts.cache import public_page
from egts.moderation import ModerationError, ModerationStatus
from egts.pagination import BoundedPaginator
from egts.pdf import site_base_url
from egts.uploads import file_response, report_refused_uploads
from egts.view_helpers import require, share_posted_form

from . import forms, services
from .filters import PracticeFilter
from .models import Practice, PracticeAttachment, PracticeShare
from .pages import PAGE_KIND, catalogue_tags
from .sheet import sheet_filename, sheet_pdf
from .views_flags import moderation_flags

PAGE_SIZE = 12


def _catalogue_link() -> dict:
    return {"url": reverse("practices:catalogue"), "title": _("Pratiques significatives")}


def _participant_space_url(fallback: str) -> str:
    try:
        return reverse("participant-space")
    except NoReverseMatch:
        return fallback


def practice_card(practice: Practice) -> dict:
    """The dsfr_card data of one practice (references already prefetched)."""
    badges = []
    if practice.featured:
        badges.append({"label": _("Mise en avant"), "extra_classes": "fr-badge--green-emeraude"})
    badges += [
        {"label": theme.label, "extra_classes": "fr-badge--sm"} for theme in practice.themes.all()
    ][:2]
    place = practice.territory.name if practice.territory else _("National")
    return {
        "title": practice.title,
        "heading_tag": "h3",
        "description": practice.summary,
        "link": practice.get_absolute_url(),
        "top_detail": {"badges": badges, "detail": {"text": practice.organisation}},
        "bottom_detail": {"text": place, "icon_class": "fr-icon-map-pin-2-line"},
        "extra_classes": "egts-practice-card",
    }


def _page(request, queryset):
    paginator = BoundedPaginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page


@public_page(tags=catalogue_tags)
@require_GET
def practice_catalogue(request):
    # Invalid filters are shown in error beside their field, and ignored.
    filterset = PracticeFilter(request.GET or None, queryset=Practice.objects.published())
    page = _page(request, filterset.qs.with_references())
    return render(
        request,
        "practices/catalogue.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "cards": [practice_card(p) for p in page.object_list],
            "is_filtered": filterset.is_filtered,
            "breadcrumb_data": {"links": [], "current": _("Pratiques significatives")},
        },
    )


@public_page(per_object=PAGE_KIND, timeout_setting="PRACTICE_PAGE_CACHE_SECONDS")
@require_GET
def practice_detail(request, pk: int):
    practice = get_object_or_404(
        Practice.objects.visible_to(request.user).with_references().prefetch_related("attachments"),
        pk=pk,
    )
    user = request.user
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "attachments": list(practice.attachments.all()),
            "can_see_status": user.has_perm("practices.view_status_practice", practice),
            "can_edit": user.has_perm("practices.change_practice", practice),
            "can_moderate": user.has_perm("practices.moderate_practice", practice),
            "can_share": user.has_perm("practices.share_practice", practice),
            "breadcrumb_data": {"links": [_catalogue_link()], "current": practice.title},
        },
    )


# --- Submission in steps ------------------------------------------------------------------


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
    if action == "submit" and practice.status == ModerationStatus.PENDING and not practice.is_draft:
        messages.success(request, _("Vos modifications sont enregistrées."))
        return redirect(practice.get_absolute_url())
    if action == "submit":
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


# --- Files ------------------------------------------------------------------------------


def attachment_response(attachment: PracticeAttachment) -> FileResponse:
    return file_response(
        attachment.file, name=attachment.name, content_type=attachment.content_type
    )


@require_GET
def attachment_download(request, pk: int, attachment_id: int):
    practice = get_object_or_404(Practice.objects.visible_to(request.user), pk=pk)
    attachment = get_object_or_404(PracticeAttachment, pk=attachment_id, practice=practice)
    return attachment_response(attachment)


def sheet_response(request, practice: Practice) -> HttpResponse:
    pdf = sheet_pdf(practice, base_url=site_base_url(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{sheet_filename(practice)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def practice_sheet(request, pk: int):
    practice = get_object_or_404(
        Practice.objects.visible_to(request.user).with_references().prefetch_related("attachments"),
        pk=pk,
    )
    return sheet_response(request, practice)


# --- Moderation, featuring, sharing -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def practice_moderate(request, pk: int):
    practice = get_object_or_404(
        Practice.objects.moderated_by(request.user)
        .with_references()
        .prefetch_related("attachments"),
        pk=pk,
    )
    user = request.user
    require(user, "practices.moderate_practice", practice)
    can_feature = user.has_perm("practices.feature_practice", practice)
    if request.method == "GET":
        initial = {name: getattr(practice, name) for name in forms.ModerationForm.TEXT_FIELDS}
        initial["tags"] = ", ".join(tag.name for tag in practice.tags.all())
        initial["featured"] = practice.featured
        form = forms.ModerationForm(initial=initial, can_feature=can_feature)
        return _render_moderation(request, practice, form)
    form = forms.ModerationForm(request.POST, can_feature=can_feature)
    if not form.is_valid():
        return _render_moderation(request, practice, form, status=400)
    data = form.cleaned_data
    try:
        # The edits and the decision stand or fall together.
        with transaction.atomic():
            if can_feature and data.get("featured") != practice.featured:
                services.practice_feature(
                    practice=practice, user=user, featured=bool(data.get("featured"))
                )
            if data.get("decision"):
                services.practice_moderate(
                    practice=practice,
                    moderator=user,
                    decision=data["decision"],
                    reason=data.get("reason") or "",
                    message=data.get("message") or "",
                    published_fields=form.published_fields(),
                    tags=form.tag_names(),
                )
            else:
                services.practice_curate(
                    practice=practice,
                    moderator=user,
                    published_fields=form.published_fields(),
                    tags=form.tag_names(),
                )
    except ModerationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_moderation(request, practice, form, status=400)
    messages.success(
        request,
        _("Décision enregistrée : %(status)s.")
        % {"status": ModerationStatus(practice.status).label}
        if data.get("decision")
        else _("Modifications enregistrées."),
    )
    return redirect(practice.get_absolute_url())


def _render_moderation(request, practice, form, status=200):
    return render(
        request,
        "practices/moderate.html",
        {
            "practice": practice,
            "form": form,
            "attachments": list(practice.attachments.all()),
            "flagged": moderation_flags(practice),
            "breadcrumb_data": {
                "links": [
                    _catalogue_link(),
                    {"url": practice.get_absolute_url(), "title": practice.title},
                ],
                "current": _("Modérer"),
            },
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_share(request, pk: int):
    practice = get_object_or_404(Practice.objects.published().select_related("territory"), pk=pk)
    require(request.user, "practices.share_practice", practice)
    form = forms.ShareForm(request.POST or None, practice=practice)
    status = 200
    if request.method == "POST":
        if share_posted_form(
            request,
            form,
            share=lambda data: services.practice_share(
                practice=practice,
                shared_by=request.user,
                territories=data["territories"],
                message=data["message"],
            ),
            shared=_("Pratique partagée avec %(count)s territoire(s)."),
            already=_("Ces territoires avaient déjà reçu cette pratique."),
        ):
            return redirect(practice.get_absolute_url())
        status = 400
    already = list(practice.shares.select_related("territory").order_by("territory__order"))
    return render(
        request,
        "practices/share.html",
        {
            "practice": practice,
            "form": form,
            "already": already,
            "breadcrumb_data": {
                "links": [
                    _catalogue_link(),
                    {"url": practice.get_absolute_url(), "title": practice.title},
                ],
                "current": _("Partager avec d'autres territoires"),
            },
        },
        status=status,
    )


@login_required
@require_GET
def shared_with_us(request):
    user = request.user
    require(user, "practices.view_shared_practice")
    from egts.rules import copil_territory_ids

    shares = PracticeShare.objects.filter(
        practice__status=ModerationStatus.PUBLISHED, practice__is_draft=False
    ).select_related("territory", "practice__territory")
    if not user.is_national_team:
        shares = shares.filter(territory_id__in=copil_territory_ids(user))
    shares = shares.order_by("-shared_at", "-id")
    page = _page(request, shares)
    return render(
        request,
        "practices/shared_with_us.html",
        {
            "page_obj": page,
            "shares": page.object_list,
            "breadcrumb_data": {
                "links": [_catalogue_link()],
                "current": _("Pratiques partagées avec nous"),
            },
        },
    )
