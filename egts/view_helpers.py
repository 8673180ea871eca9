"""Small helpers of the back-office pages, shared so that each app does not keep its own
copy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


def posted(request, *, files: bool = False):
    """The submitted data, even empty: an empty POST is a bound form with its errors (where
    ``request.POST or None`` would show a blank form)."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


def require(user, permission: str, obj=None) -> None:
    """403 unless the rule ``permission`` allows ``user`` (on ``obj`` when it needs one)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def share_posted_form(request, form, *, share, shared: str, already: str) -> bool:
    """The "share with territories" form of practices and documents: validate, call
    ``share(cleaned_data)`` (a service that returns the new shares), say how many. False
    leaves the errors on the form (``territories`` for the service's refusals)."""
    if not form.is_valid():
        return False
    try:
        shares = share(form.cleaned_data)
    except ValidationError as error:
        form.add_error("territories", error.messages)
        return False
    messages.success(request, shared % {"count": len(shares)} if shares else already)
    return True
