"""Telling authors what moderation decided: one e-mail per decided item, sent after the
decision commits, for contributions, practices and statements alike.

Each app gives the subjects of the statuses it tells (``subjects``); the text is the
template ``emails/{app}/{status}.txt``, which receives the item under its model's name,
the reason's label, the moderator's message and the site's address.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from .moderation import RejectReason


def notify_author(item, *, subjects: dict[str, str], context: dict | None = None) -> None:
    """E-mail the item's author the decision, if it is one of ``subjects``' statuses."""
    author = item.author
    if author is None or not author.email or item.status not in subjects:
        return
    reason = item.moderation_reason
    values = {
        item._meta.model_name: item,
        "reason": RejectReason(reason).label if reason else "",
        "message": item.moderation_message,
        "site_url": settings.SITE_URL.rstrip("/"),
        **(context or {}),
    }
    send_mail(
        subject=f"[EGTS] {subjects[item.status]}",
        message=render_to_string(f"emails/{item._meta.app_label}/{item.status}.txt", values),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[author.email],
    )


def notify_authors_after_commit(
    items: Sequence, *, moderator, notify: Callable[[object], None]
) -> None:
    """After a decision on a selection: the authors' addresses in one query, then
    ``notify(item)`` for each item once the decision commits."""
    authors = {
        user.pk: user
        for user in type(moderator)
        .objects.filter(pk__in={item.author_id for item in items if item.author_id})
        .only("pk", "email")
    }
    for item in items:
        item.author = authors.get(item.author_id)

    def notify_all():
        for item in items:
            notify(item)

    transaction.on_commit(notify_all)
