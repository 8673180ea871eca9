"""The public site shell: home, the démarche, territories, the mandatory State pages."""

import datetime
import sys

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

from .api_errors import UNAVAILABLE_RETRY_AFTER
from .cache import bump_public_pages, public_page
from .forms import TerritoryForm
from .models import ActorCategory, Department, Policy, Region, Stage, Territory, Theme


def _stage_steps(stages: list[Stage], current: Stage | None) -> list[dict]:
    """The calendar as rows the templates can walk, each knowing if it is past or current."""
    current_order = current.order if current else None
    return [
        {
            "stage": stage,
            "number": index,
            "is_current": current_order is not None and stage.order == current_order,
            "is_past": current_order is not None and stage.order < current_order,
        }
        for index, stage in enumerate(stages, start=1)
    ]


def _calendar_context() -> dict:
    queryset = Stage.objects.all()
    stages = list(queryset)
    current = queryset.current()  # reads the rows list() just cached: no second query
    steps = _stage_steps(stages, current)
    current_step = next((s for s in steps if s["is_current"]), None)
    next_step = None
    if current_step and current_step["number"] < len(steps):
        next_step = steps[current_step["number"]]
    return {
        "stages": stages,
        "steps": steps,
        "current_stage": current,
        "stepper": {
            "current_step_id": current_step["number"] if current_step else 0,
            "total_steps": len(steps),
            "current_step_title": current.label if current else _("La démarche n'a pas commencé"),
            "next_step_title": next_step["stage"].label if next_step else "",
        },
    }


@public_page()
def home(request):
    territories = Territory.objects.select_related("theme", "policy")
    return render(
        request,
        "egts/home.html",
        {"territories": territories, **_calendar_context()},
    )


@public_page()
def demarche(request):
    return render(
        request,
        "egts/demarche.html",
        {
            **_calendar_context(),
            "actor_categories": ActorCategory.choices,
            "themes": Theme.objects.all(),
            "policies": Policy.objects.all(),
            "breadcrumb_data": {"current": _("La démarche")},
        },
    )


@public_page()
def territory_list(request):
    territories = Territory.objects.with_geography()
    return render(
        request,
        "egts/territory_list.html",
        {"territories": territories, "breadcrumb_data": {"current": _("Les territoires")}},
    )


def _territory_with_departments():
    regions = Region.objects.order_by("name").prefetch_related(
        Prefetch("departments", queryset=Department.objects.order_by("code"))
    )
    return Territory.objects.select_related("theme", "policy").prefetch_related(
        Prefetch("regions", queryset=regions)
    )


@public_page()
def territory_detail(request, slug):
    territory = get_object_or_404(_territory_with_departments(), slug=slug)
    return render(
        request,
        "egts/territory_detail.html",
        {
            "territory": territory,
            "can_edit": request.user.has_perm("egts.change_territory", territory),
            "breadcrumb_data": {
                "links": [{"url": reverse("territory-list"), "title": _("Les territoires")}],
                "current": territory.name,
            },
        },
    )


@login_required
def territory_edit(request, slug):
    territory = get_object_or_404(Territory.objects.select_related("theme", "policy"), slug=slug)
    if not request.user.has_perm("egts.change_territory", territory):
        raise PermissionDenied
    form = TerritoryForm(request.POST or None, instance=territory)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Territories appear on cached public pages (home, list, detail, sitemap).
        transaction.on_commit(bump_public_pages)
        messages.success(
            request, _("Le territoire « %(name)s » a été mis à jour.") % {"name": territory.name}
        )
        return redirect(territory)
    return render(
        request,
        "egts/territory_edit.html",
        {
            "territory": territory,
            "form": form,
            "breadcrumb_data": {
                "links": [
                    {"url": reverse("territory-list"), "title": _("Les territoires")},
                    {"url": territory.get_absolute_url(), "title": territory.name},
                ],
                "current": _("Modifier"),
            },
        },
    )


def _page(request, template_name: str, title: str, **context):
    return render(request, template_name, {"breadcrumb_data": {"current": title}, **context})


@public_page()
def legal_notice(request):
    return _page(request, "egts/pages/legal_notice.html", _("Mentions légales"))


@public_page()
def accessibility(request):
    return _page(request, "egts/pages/accessibility.html", _("Déclaration d'accessibilité"))


@public_page()
def personal_data(request):
    # The periods the page states are the ones the platform applies (settings).
    return _page(
        request,
        "egts/pages/personal_data.html",
        _("Données personnelles"),
        login_record_days=settings.LOGIN_RECORD_RETENTION_DAYS,
        lockout_minutes=round((get_cool_off() or datetime.timedelta()).total_seconds() / 60),
        failure_limit=settings.AXES_FAILURE_LIMIT,
    )


@public_page()
def cookies(request):
    return _page(request, "egts/pages/cookies.html", _("Gestion des cookies"))


@public_page()
def sitemap(request):
    return render(
        request,
        "egts/pages/sitemap.html",
        {
            "territories": Territory.objects.only("slug", "name"),
            "breadcrumb_data": {"current": _("Plan du site")},
        },
    )


@public_page()
def participation_charter(request):
    return _page(
        request,
        "egts/pages/participation_charter.html",
        _("Charte de participation et de modération"),
    )


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def too_many_requests(request, exception=None):
    return render(request, "errors/429.html", status=429)


def server_error(request):
    # No request context: whatever broke (database, a context processor) must not break this too.
    # Django calls this handler inside its ``except`` block, so the exception is at hand.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # The database is down, not the code: say "come back later", as the API's JSON 503 does.
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
