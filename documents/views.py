"""Pages of the documentation centre: browse with filters and search, read, add, share."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egts.pagination import BoundedPaginator
from egts.uploads import file_response, report_refused_uploads
from egts.view_helpers import posted, require, share_posted_form

from . import forms, services
from .filters import DocumentFilter
from .models import Document

PAGE_SIZE = 12


def _centre_link() -> dict:
    return {"url": reverse("documents:list"), "title": _("Centre de documentation")}


@require_GET
def document_list(request):
    # Invalid filters are shown in error beside their field, and ignored.
    filterset = DocumentFilter(
        request.GET or None, queryset=Document.objects.visible_to(request.user)
    )
    paginator = BoundedPaginator(filterset.qs.with_references(), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return render(
        request,
        "documents/list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "documents": page.object_list,
            "is_filtered": filterset.is_filtered,
            "can_add": request.user.has_perm("documents.add_document"),
            "breadcrumb_data": {"links": [], "current": _("Centre de documentation")},
        },
    )


def _visible(user, pk: int) -> Document:
    return get_object_or_404(Document.objects.visible_to(user).with_references(), pk=pk)


@require_GET
def document_detail(request, pk: int):
    document = _visible(request.user, pk)
    user = request.user
    can_share = user.has_perm("documents.share_document", document)
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "can_change": user.has_perm("documents.change_document", document),
            "can_publish": user.has_perm("documents.publish_document", document),
            "can_share": can_share,
            "shares": list(document.shares.select_related("territory")) if can_share else [],
            "breadcrumb_data": {"links": [_centre_link()], "current": document.title},
        },
    )


@require_GET
def document_download(request, pk: int):
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    if not document.file:
        raise Http404
    return file_response(document.file, name=document.file_name, content_type=document.content_type)


def _form_page(request, *, document: Document | None, title: str):
    user = request.user
    form = forms.DocumentForm(
        posted(request), posted(request, files=True), instance=document, user=user
    )
    if request.method != "POST":
        return _render_form(request, form, title, document)
    # A body far over the limit was not read past its file: what was typed is still shown.
    if report_refused_uploads(form, request):
        return _render_form(request, form, title, document, status=413)
    if form.is_valid():
        data = form.cleaned_data
        uploaded = data.get("file_upload")
        try:
            if document is None:
                document = services.document_create(created_by=user, data=data, uploaded=uploaded)
            else:
                document = services.document_update(
                    document=document, updated_by=user, data=data, uploaded=uploaded
                )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                field = "file_upload" if field == "file" else field
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Le document est enregistré."))
            return redirect(document)
    return _render_form(request, form, title, document, status=400)


def _render_form(request, form, title, document, status=200):
    links = [_centre_link()]
    if document is not None and document.pk:
        links.append({"url": document.get_absolute_url(), "title": document.title})
    return render(
        request,
        "documents/form.html",
        {"form": form, "title": title, "breadcrumb_data": {"links": links, "current": title}},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request):
    require(request.user, "documents.add_document")
    return _form_page(request, document=None, title=_("Ajouter un document"))


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, pk: int):
    document = _visible(request.user, pk)
    require(request.user, "documents.change_document", document)
    return _form_page(request, document=document, title=_("Modifier le document"))


@login_required
@require_POST
def document_publish(request, pk: int):
    document = _visible(request.user, pk)
    require(request.user, "documents.publish_document", document)
    is_public = request.POST.get("public") == "1"
    services.document_set_public(document=document, user=request.user, is_public=is_public)
    messages.success(
        request,
        _("Le document est public.")
        if is_public
        else _("Le document n'est plus visible que des territoires concernés."),
    )
    return redirect(document)


@login_required
@require_http_methods(["GET", "POST"])
def document_share(request, pk: int):
    document = _visible(request.user, pk)
    require(request.user, "documents.share_document", document)
    form = forms.ShareForm(posted(request), document=document)
    status = 200
    if request.method == "POST":
        if share_posted_form(
            request,
            form,
            share=lambda data: services.document_share(
                document=document, shared_by=request.user, territories=data["territories"]
            ),
            shared=_("Document partagé avec %(count)s territoire(s)."),
            already=_("Ces territoires avaient déjà reçu ce document."),
        ):
            return redirect(document)
        status = 400
    return render(
        request,
        "documents/share.html",
        {
            "document": document,
            "form": form,
            "breadcrumb_data": {
                "links": [
                    _centre_link(),
                    {"url": document.get_absolute_url(), "title": document.title},
                ],
                "current": _("Partager avec des territoires"),
            },
        },
        status=status,
    )
