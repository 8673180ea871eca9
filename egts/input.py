"""The text the platform accepts: no control characters, checked once for every input.

PostgreSQL refuses NUL in text (psycopg raises DataError, which was a 500), and the
other control characters (C0, DEL, C1) have no place in what people write: invisible,
they hide text and break exports. Tab, line feed and carriage return stay allowed in
free text. Lone surrogates, which JSON can carry but UTF-8 cannot encode, are refused
with them.

Three places, one rule:
- ``ControlCharactersMiddleware``: the URL's path (404) and query string (400);
- the API's parsers (``JSONParser``, ``FormParser``, ``MultiPartParser``): a 400 naming
  each field, in the contract's shape;
- ``CheckedInputMixin``, in the base of every form (``egts.forms.BaseForm``): an error
  on the field, the form shown again with what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

# Control characters (Unicode category Cc) but tab, LF and CR, and lone surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# No path has a tab or a line break either.
_FORBIDDEN_IN_PATH = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def forbidden_character(value) -> str | None:
    """The first forbidden character in ``value`` (a string, or lists and mappings of
    strings, keys included), or None. Files are left alone: Django's multipart parser
    already drops what is not printable from their names."""
    if isinstance(value, str):
        found = _FORBIDDEN.search(value)
        return found.group() if found else None
    if isinstance(value, Mapping):
        return forbidden_character(list(value.keys())) or forbidden_character(list(value.values()))
    if isinstance(value, list | tuple):
        for item in value:
            character = forbidden_character(item)
            if character is not None:
                return character
    return None


def message(character: str) -> str:
    return _(
        "Ce texte contient un caractère de contrôle invisible (U+%(code)04X) : "
        "retirez-le, puis envoyez de nouveau."
    ) % {"code": ord(character)}


def errors_in(items: Iterable[tuple[str, object]]) -> dict[str, list[str]]:
    """``{name: [message]}`` for each (name, value) holding a forbidden character; a name
    that holds one itself is reported as ``non_field_errors``."""
    errors: dict[str, list[str]] = {}
    for name, value in items:
        character = forbidden_character(name)
        key = "non_field_errors" if character else name
        character = character or forbidden_character(value)
        if character is not None and key not in errors:
            errors[key] = [message(character)]
    return errors


# --- The URL: path and query string ---------------------------------------------------


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class ControlCharactersMiddleware:
    """A path with a control character exists nowhere (404); a query string with one is
    refused (400): JSON for the API, the DSFR error page for the site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _FORBIDDEN_IN_PATH.search(request.path_info):
            if _is_api(request):
                return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
            from egts.views import page_not_found

            return page_not_found(request)
        errors = errors_in(request.GET.lists())
        if errors:
            if _is_api(request):
                return JsonResponse(errors, status=400)
            from egts.views import bad_request

            return bad_request(request)
        return self.get_response(request)


# --- The API's bodies -----------------------------------------------------------------


def _check_parsed(data) -> None:
    if isinstance(data, parsers.DataAndFiles):
        items = [*data.data.lists(), *data.files.lists()]
    elif isinstance(data, Mapping):
        items = data.lists() if hasattr(data, "lists") else data.items()
    else:
        items = [("non_field_errors", data)]
    errors = errors_in(items)
    if errors:
        raise exceptions.ValidationError(errors)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_parsed(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_parsed(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_parsed(data)
        return data


# --- Forms ----------------------------------------------------------------------------


def _checked(clean):
    def checked_clean(value, *args, **kwargs):
        character = forbidden_character(value)
        if character is not None:
            raise ValidationError(message(character), code="control_character")
        return clean(value, *args, **kwargs)

    checked_clean.checks_input = True
    return checked_clean


class CheckedInputMixin:
    """Each field refuses a forbidden character before its own cleaning, which may look
    the value up in the database. Fields added after ``__init__`` (questionnaires build
    theirs) are covered too: the check is put in place when the form is cleaned."""

    def full_clean(self):
        for field in self.fields.values():
            if not getattr(field.clean, "checks_input", False):
                field.clean = _checked(field.clean)
        super().full_clean()
