"""API errors in the contract's shape: 400 {field: [messages]}, French messages."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait when the database is unreachable.
UNAVAILABLE_RETRY_AFTER = 30


def _errors_in_json(context) -> None:
    """An error is JSON even where the success is a file (PDF, CSV, ``?format=pdf``): a PDF
    or CSV renderer would turn the error's body into an empty, untyped answer."""
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.format not in ("json", "api"):
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


def exception_handler(exc, context):
    _errors_in_json(context)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable: a JSON 503 the client can retry, not a 500.
        logger.error("API: database unavailable", exc_info=exc)
        set_rollback()
        response = Response(
            {"detail": "Service momentanément indisponible : réessayez dans quelques instants."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
        return response
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=detail)
    if isinstance(exc, Http404):
        # get_object_or_404's message is English and names the model: the contract
        # wants French and reveals nothing about what was looked for.
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait) + 1)
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response


def too_large_response() -> Response:
    return Response(
        {"detail": "Le corps de la requête est trop volumineux."},
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )
