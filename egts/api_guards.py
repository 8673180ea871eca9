"""What every API view checks of a request before its own work, written once.

- ``BodyLimitMixin``: a body larger than the view's ``max_body`` is refused with a 413
  before it is parsed (and Django's own ``RequestDataTooBig`` is a 413 too, never a 500);
- ``pk_or_404``: an id in a path is a plain number, anything else a JSON 404;
- ``PAGE_NOT_FOUND``: the schema's 404 for a page number past the end of a list.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status

# A JSON body of the API is a few kilobytes (a contribution: 10,000 characters at most).
MAX_JSON_BODY = 256 * 1024

PAGE_NOT_FOUND = OpenApiResponse(response=OpenApiTypes.OBJECT, description="Page inexistante.")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("Le corps de la requête est trop volumineux.")
    default_code = "request_too_large"


class BodyLimitMixin:
    """Refuse oversized bodies with 413 before parsing them, and never answer 500 for one."""

    max_body = MAX_JSON_BODY
    too_large_message = None

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body:
            raise RequestTooLarge(self.too_large_message)
        return super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, RequestDataTooBig):
            exc = RequestTooLarge()
        return super().handle_exception(exc)


def is_id(value) -> bool:
    """A plain number that fits a bigint: what an id in a path or a filter may be."""
    value = str(value)
    return value.isascii() and value.isdigit() and len(value) <= 18


def pk_or_404(value) -> int:
    """The id from the path: anything but a plain number is a JSON 404, never an HTML page."""
    if not is_id(value):
        raise exceptions.NotFound
    return int(value)
