"""Moderation and curation of one practice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egts.moderation import ModerationError, ModerationStatus
from egts.view_helpers import require

from .. import forms, services
from ..models import Practice
from ..views_flags import moderation_flags
from .common import _catalogue_link


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
