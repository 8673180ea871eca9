"""The same submission sent twice is saved once: a double click, a browser or network retry
answers with what the first sending created, not with a copy.

Every submission (a contribution, a practice, its attachments, a questionnaire response),
from a form or from the API, goes through here. Its *fingerprint* says what was sent and
for what; its *sender* is the account, or for someone not signed in their session, else
their address and browser (kept only as a keyed hash). ``SubmissionGuard`` holds the pair
with the time it was sent: the same pair within ``WINDOW`` is the same submission. The
pair is unique, so two copies sent at the same moment are decided by the database: the
second waits for the first to commit, then finds it.

``contribution_submit`` writes its guard in the statement that inserts the contribution
(one round trip on the hot path); the others call ``submit_once``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import SubmissionGuard

WINDOW = datetime.timedelta(minutes=10)

T = TypeVar("T")


def fingerprint(scope: str, *parts) -> str:
    """A hash of what was sent (``parts``, JSON-ready) and what for (``scope``)."""
    payload = json.dumps([scope, *parts], default=str, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def user_sender(user) -> str:
    return f"user:{user.pk}"


def sender_of(request) -> str:
    """Who sent ``request`` (a Django or DRF request): the account, else the session,
    else the address and the browser. Anonymous senders are hashed with the secret key."""
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        return user_sender(user)
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None)
    if session_key:
        return "session:" + _hash(session_key)
    from .network import client_ip

    browser = request.META.get("HTTP_USER_AGENT", "")[:300]
    return "address:" + _hash(f"{client_ip(request)}\n{browser}")


def _hash(value: str) -> str:
    return salted_hmac("egts.resubmission", value, algorithm="sha256").hexdigest()


def _claim(*, sender: str, fingerprint: str, author_id, now) -> bool:
    """Record this sending; False if the same one was recorded within the window."""
    table = connection.ops.quote_name(SubmissionGuard._meta.db_table)
    sent_at = SubmissionGuard._meta.get_field("sent_at")
    sql = f"""
        INSERT INTO {table} (sender, fingerprint, sent_at, author_id, result_id)
        VALUES (%s, %s, %s, %s, NULL)
        ON CONFLICT (sender, fingerprint) DO UPDATE
            SET sent_at = excluded.sent_at, author_id = excluded.author_id, result_id = NULL
            WHERE {table}.sent_at < %s
        RETURNING id
    """  # noqa: S608 — the table name comes from the model, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                sender,
                fingerprint,
                sent_at.get_db_prep_value(now, connection),
                author_id,
                sent_at.get_db_prep_value(now - WINDOW, connection),
            ],
        )
        return cursor.fetchone() is not None


@transaction.atomic
def submit_once(
    *,
    sender: str,
    fingerprint: str,
    create: Callable[[], T],
    find: Callable[[int], T | None],
    author=None,
) -> tuple[T, bool]:
    """``create()`` the submission, unless the same sender sent the same one within the
    window: then ``find(id)`` gives back what that sending created. Returns the object and
    whether it was created now. ``create`` must return a saved model instance."""
    guard = SubmissionGuard.objects.filter(sender=sender, fingerprint=fingerprint)
    now = timezone.now()
    author_id = getattr(author, "pk", None) if getattr(author, "is_authenticated", False) else None
    if not _claim(sender=sender, fingerprint=fingerprint, author_id=author_id, now=now):
        earlier_id = guard.values_list("result_id", flat=True).first()
        earlier = find(earlier_id) if earlier_id is not None else None
        if earlier is not None:
            return earlier, False
        # What the first sending created is gone (deleted since): this one counts.
    created = create()
    guard.update(result_id=created.pk, sent_at=now)
    return created, True


def purge() -> int:
    """Delete the records older than the window: they no longer stop anything, and the
    table would otherwise keep a row per submission. Returns how many were deleted."""
    deleted, _ = SubmissionGuard.objects.filter(sent_at__lt=timezone.now() - WINDOW).delete()
    return deleted
