"""Files: attachments and the practice sheet as PDF."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from egts.pdf import site_base_url
from egts.uploads import file_response

from ..models import Practice, PracticeAttachment
from ..sheet import sheet_filename, sheet_pdf


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
