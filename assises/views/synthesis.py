"""The national synthesis in the back-office (national team) and on the public site."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from egts.csv_export import csv_response

from ..models import Synthesis, SynthesisStatus
from ..services.synthesis import (
    SynthesisQueueUnavailable,
    syntheses_fail_stale,
    synthesis_publish,
    synthesis_request,
    synthesis_retry,
)
from ..services.synthesis_topics import CSV_HEADER, topic_annex_rows
from .common import require

EXPORTS = [
    ("contributions", gettext_lazy("Contributions publiées")),
    ("responses", gettext_lazy("Réponses au questionnaire")),
    ("practices", gettext_lazy("Pratiques publiées")),
    ("proposals", gettext_lazy("Propositions")),
]


def _breadcrumb(current: str, *, detail: bool = False) -> dict:
    links = [{"url": reverse("assises:home"), "title": _("Espace des assises")}]
    if detail:
        links.append({"url": reverse("assises:syntheses"), "title": _("Synthèse nationale")})
    return {"links": links, "current": current}


def _national_synthesis(user, pk: int) -> Synthesis:
    if not user.is_national_team:
        raise PermissionDenied
    syntheses_fail_stale()
    return get_object_or_404(Synthesis.objects.visible_to(user), pk=pk)


def status_payload(synthesis: Synthesis) -> dict:
    labels = dict(SynthesisStatus.choices)
    return {
        "status": synthesis.status,
        "label": str(labels[synthesis.status]),
        "progress": synthesis.progress,
        "finished": synthesis.is_finished,
        "message": _("Synthèse version %(v)d : %(status)s, %(p)d %%")
        % {"v": synthesis.version, "status": labels[synthesis.status], "p": synthesis.progress},
    }


@login_required
def synthesis_list(request):
    require(request.user, "assises.request_synthesis")
    syntheses_fail_stale()
    syntheses = Synthesis.objects.visible_to(request.user).select_related("requested_by")
    return render(
        request,
        "assises/workspace/synthesis_list.html",
        {
            "syntheses": syntheses.defer("figures", "html"),
            "exports": [(label, reverse("api-export", args=[kind])) for kind, label in EXPORTS],
            "breadcrumb_data": _breadcrumb(_("Synthèse nationale")),
        },
    )


@login_required
@require_POST
def synthesis_request_view(request):
    require(request.user, "assises.request_synthesis")
    try:
        synthesis = synthesis_request(requested_by=request.user)
    except SynthesisQueueUnavailable as error:
        messages.error(request, str(error))
        return redirect("assises:syntheses")
    messages.success(
        request,
        _("La version %(v)d de la synthèse est demandée ; elle se construit en arrière-plan.")
        % {"v": synthesis.version},
    )
    return redirect("assises:synthesis-detail", pk=synthesis.pk)


@login_required
def synthesis_detail(request, pk: int):
    synthesis = _national_synthesis(request.user, pk)
    return render(
        request,
        "assises/workspace/synthesis_detail.html",
        {
            "synthesis": synthesis,
            "status": status_payload(synthesis),
            "status_url": reverse("assises:synthesis-status", args=[synthesis.pk]),
            "breadcrumb_data": _breadcrumb(
                _("Version %(v)d") % {"v": synthesis.version}, detail=True
            ),
        },
    )


@login_required
@require_GET
def synthesis_status(request, pk: int):
    """The small JSON the progress bar polls."""
    synthesis = _national_synthesis(request.user, pk)
    return JsonResponse(status_payload(synthesis))


@login_required
@require_POST
def synthesis_retry_view(request, pk: int):
    synthesis = _national_synthesis(request.user, pk)
    require(request.user, "assises.retry_synthesis", synthesis)
    try:
        synthesis_retry(synthesis=synthesis)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except SynthesisQueueUnavailable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La génération est relancée."))
    return redirect("assises:synthesis-detail", pk=synthesis.pk)


@login_required
@require_POST
def synthesis_publish_view(request, pk: int):
    synthesis = _national_synthesis(request.user, pk)
    require(request.user, "assises.publish_synthesis", synthesis)
    try:
        synthesis_publish(synthesis=synthesis, published_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("La version %(v)d est publiée sur le site public.") % {"v": synthesis.version},
        )
    return redirect("assises:synthesis-detail", pk=synthesis.pk)


def _pdf_response(synthesis: Synthesis) -> FileResponse:
    if not synthesis.is_done or not synthesis.pdf:
        raise Http404
    response = FileResponse(synthesis.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="synthese-nationale-v{synthesis.version}.pdf"'
    )
    return response


@login_required
def synthesis_pdf(request, pk: int):
    return _pdf_response(_national_synthesis(request.user, pk))


@login_required
def synthesis_html(request, pk: int):
    synthesis = _national_synthesis(request.user, pk)
    if not synthesis.is_done:
        raise Http404
    return _html_page(request, synthesis, _breadcrumb(_("Version HTML"), detail=True))


def _html_page(request, synthesis: Synthesis, breadcrumb: dict):
    return render(
        request,
        "assises/synthesis/page.html",
        {
            "synthesis": synthesis,
            # Rendered (and escaped) by our own template when the version was built.
            "body": mark_safe(synthesis.html),  # noqa: S308
            "breadcrumb_data": breadcrumb,
        },
    )


def _topics_csv(synthesis: Synthesis):
    """The full topic → contribution mapping of a version, streamed (one query)."""
    if not synthesis.is_done:
        raise Http404
    f = synthesis.figures
    labels = {code: theme["label"] for code, theme in f.get("by_theme", {}).items()}
    return csv_response(
        CSV_HEADER,
        topic_annex_rows(f.get("analysis"), labels),
        f"synthese-nationale-v{synthesis.version}-annexe-themes.csv",
    )


@login_required
def synthesis_topics_csv(request, pk: int):
    return _topics_csv(_national_synthesis(request.user, pk))


# ---- Public site -------------------------------------------------------------------------


def public_list(request):
    return render(
        request,
        "assises/synthesis/public_list.html",
        {
            "syntheses": Synthesis.objects.published().defer("figures", "html"),
            "breadcrumb_data": {"current": _("Synthèse nationale")},
        },
    )


def _published(version: int) -> Synthesis:
    return get_object_or_404(Synthesis.objects.published(), version=version)


def public_detail(request, version: int):
    synthesis = _published(version)
    return _html_page(
        request,
        synthesis,
        {
            "links": [{"url": reverse("synthesis-public-list"), "title": _("Synthèse nationale")}],
            "current": _("Version %(v)d") % {"v": synthesis.version},
        },
    )


def public_pdf(request, version: int):
    return _pdf_response(_published(version))


def public_topics_csv(request, version: int):
    return _topics_csv(_published(version))
