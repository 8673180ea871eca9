"""Writing a statement in the browser: the national team and COPILs (from scratch, or drawn
from a national hypothesis, a forwarded proposal or an analysis topic), and signed-in
participants, whose statements go to their territory's moderation queue."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egts.moderation import ModerationStatus

from . import services
from .forms import StatementForm
from .models import TEXT_MAX_LENGTH
from .services.statements import SOURCE_MODELS


def _drawn_from(user, source_type: str, source_id: str) -> dict:
    """What the form starts with when the statement is drawn from an existing object: its
    wording (cut to a statement's length), theme, policy and territory. Only for someone who
    may publish in that object's territory (the national team for national ones): a draft
    proposal or another territory's topic is never shown to anyone else."""
    if source_type not in SOURCE_MODELS or not source_id.isascii() or not source_id.isdigit():
        return {}
    found = apps.get_model(SOURCE_MODELS[source_type]).objects.filter(pk=int(source_id)).first()
    if found is None:
        return {}
    run = getattr(found, "run", None)  # a topic's theme and territory are its run's scope
    scope = run if run is not None else found
    if not user.has_perm("consensus.publish_statement", getattr(scope, "territory", None)):
        return {}
    wording = getattr(found, "statement", None) or getattr(found, "title", None) or found.label
    return {
        "text": wording[:TEXT_MAX_LENGTH],
        "theme": getattr(scope, "theme_id", None),
        "policy": getattr(found, "policy_id", None),
        "territory": getattr(scope, "territory_id", None),
        "source": source_type,
        "source_id": found.pk,
        "source_label": wording,
    }


@login_required
@require_http_methods(["GET", "POST"])
def statement_new(request):
    initial = _drawn_from(
        request.user, request.GET.get("source", ""), request.GET.get("id", "")[:18]
    )
    form = StatementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            statement = services.statement_submit(
                author=request.user,
                text=data["text"],
                theme=data["theme"],
                policy=data["policy"],
                territory=data["territory"],
                source_type=data["source"],
                source_id=data["source_id"],
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
        else:
            if statement.status == ModerationStatus.PUBLISHED:
                messages.success(request, _("L'énoncé est publié : chacun peut voter."))
            else:
                messages.success(
                    request,
                    _(
                        "Merci : votre énoncé sera relu avant d'être soumis au vote. Vous "
                        "retrouverez son statut dans votre espace personnel."
                    ),
                )
            return redirect("consensus:vote")
    return render(
        request,
        "consensus/statement_form.html",
        {
            "form": form,
            "source_label": initial.get("source_label", ""),
            "breadcrumb_data": {
                "links": [{"url": reverse("consensus:results"), "title": _("Consensus")}],
                "current": _("Nouvel énoncé"),
            },
        },
        status=400 if form.errors else 200,
    )
