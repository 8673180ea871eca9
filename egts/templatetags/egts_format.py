"""Formats French readers expect, for values that may come from frozen JSON (ISO strings)."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def date_fr(value) -> str:
    """ "2014-06-27" or a date → "27 juin 2014"; the first of the month is "1er"."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    text = formats.date_format(value, "j F Y")
    return "1er" + text[1:] if value.day == 1 else text
