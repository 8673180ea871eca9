"""What the public pages of contributions and questionnaires share."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

# A contribution form is a few kilobytes; anything far bigger is a mistake or an abuse.
MAX_FORM_BODY = 128 * 1024


def too_large(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_FORM_BODY
    except ValueError:
        return False


def participant_space_url(fallback: str) -> str:
    try:
        return reverse("participant-space")
    except NoReverseMatch:
        return fallback
