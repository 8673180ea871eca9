"""The participant's own pages: profile, "Mes contributions", data download, account deletion."""

from __future__ import annotations

import json

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import participant
from .forms import AccountDeleteForm, ProfileForm
from .login_records import erase_login_records
from .models import User

# DSFR system badge for each moderation state an item can be in.
_STATUS_BADGES = {
    "pending": "fr-badge--info",
    "changes_requested": "fr-badge--warning",
    "published": "fr-badge--success",
    "rejected": "fr-badge--error",
}


def _account_breadcrumb(current: str) -> dict:
    return {
        "links": [{"url": reverse("account-profile"), "title": _("Mon compte")}],
        "current": current,
    }


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre profil a été enregistré."))
        return redirect("account-profile")
    return render(
        request,
        "account/profile.html",
        {"form": form, "breadcrumb_data": {"current": _("Mon compte")}},
    )


@login_required
def participant_space(request):
    sections = [
        {
            "key": section.key,
            "title": section.title,
            "items": [
                {"item": item, "badge_class": _STATUS_BADGES.get(item.status, "")}
                for item in section.items(request.user)
            ],
        }
        for section in participant.SECTIONS.values()
    ]
    return render(
        request,
        "account/participant_space.html",
        {"sections": sections, "breadcrumb_data": _account_breadcrumb(_("Mes contributions"))},
    )


def _profile_data(user: User) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "actor_category": user.actor_category,
        "department": user.department_id,
        "organisation": user.organisation,
        "date_joined": user.date_joined,
        "email_addresses": list(
            EmailAddress.objects.filter(user=user)
            .order_by("email")
            .values("email", "verified", "primary")
        ),
    }


@login_required
def participant_export(request):
    """Every piece of data the platform holds about the participant, as one JSON download."""
    user = request.user
    data = {
        "exported_at": timezone.now(),
        "profile": _profile_data(user),
        **{key: export(user) for key, export in participant.EXPORTS.items()},
    }
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"egts-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Runs every app's erasure (anonymise what stays published, delete the rest), then the
    account itself; all or nothing, so a failing app never leaves a half-deleted account."""
    for erase in participant.ERASURES.values():
        erase(user)
    # While its addresses are still known: the login records of every one of them.
    erase_login_records(user)
    EmailAddress.objects.filter(user=user).delete()
    user.delete()


@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_erase(user=request.user)
        logout(request)
        messages.success(request, _("Votre compte et vos données ont été supprimés."))
        return redirect("home")
    return render(
        request,
        "account/delete.html",
        {"form": form, "breadcrumb_data": _account_breadcrumb(_("Supprimer mon compte"))},
    )
