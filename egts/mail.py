"""Every e-mail leaves through a Celery task with retries: nothing waits on the mail server.

``QueuedEmailBackend`` is Django's EMAIL_BACKEND, so every sender goes through it without
knowing: the moderation notices, the action plan's and the invitations' mails, allauth's
(sign-up confirmation, password reset) and Django's own. It hands each message, as JSON,
to the ``egts.send_email`` task once the transaction commits (a decision rolled back sends
nothing); the task sends it through EMAIL_DELIVERY_BACKEND (the one EMAIL_URL names) and
tries again later, for about two hours, while the server is unreachable. A moderation
decision is saved whatever the state of the mail server.

(django-celery-email does the same, but sends at call time, before the commit, and raises
when the broker is down, which is the failure this module exists to avoid.)
"""

from __future__ import annotations

import base64
import logging
import smtplib
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

logger = logging.getLogger(__name__)

# Retries wait 30 s, 60 s, 120 s… at most 300 s (below the broker's visibility timeout,
# so a waiting retry is never handed out twice): about two hours in all.
MAX_RETRIES = 25
MAX_RETRY_DELAY = 300


def serialize(message: EmailMessage) -> dict | None:
    """The message as JSON-safe data for the task; None if it holds what JSON cannot carry."""
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):  # a ready-made MIME part
            return None
        filename, content, mimetype = attachment
        raw = content.encode() if isinstance(content, str) else content
        attachments.append([filename, base64.b64encode(raw).decode(), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
        "content_subtype": message.content_subtype,
    }


def deserialize(data: dict) -> EmailMessage:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(pair) for pair in data["alternatives"]],
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def deliver(message: EmailMessage) -> None:
    """Send now through the real backend; raises when the server refuses or is away."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    connection.send_messages([message])


def is_transient(error: Exception) -> bool:
    """Worth trying again later: the server is unreachable or answers "try later" (4xx)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    # Connection refused, timeouts, name resolution, a server that hung up.
    return isinstance(error, OSError)


def retry_delay(retries: int) -> int:
    return min(settings.EMAIL_RETRY_SECONDS * 2**retries, MAX_RETRY_DELAY)


def _recipients(message: EmailMessage) -> str:
    # The count only: addresses are personal data and stay out of the logs.
    return f"{len(message.recipients())} destinataire(s)"


def _send_directly(message: EmailMessage) -> None:
    try:
        deliver(message)
    except Exception:
        logger.exception("e-mail « %s » lost (%s)", message.subject, _recipients(message))


def _dispatch(message: EmailMessage) -> None:
    from .tasks import send_email

    data = serialize(message)
    if data is None:
        _send_directly(message)
        return
    try:
        send_email.delay(data)
    except Exception:  # noqa: BLE001 — the broker is down: try the mail server itself once
        logger.warning("mail queue unreachable: e-mail « %s » sent directly", message.subject)
        _send_directly(message)


class QueuedEmailBackend(BaseEmailBackend):
    """Queues each message for ``egts.send_email`` once the current transaction commits."""

    def send_messages(self, email_messages) -> int:
        messages = list(email_messages or [])
        for message in messages:
            # robust: a failure to queue never breaks the request that sent the mail.
            transaction.on_commit(partial(_dispatch, message), robust=True)
        return len(messages)
