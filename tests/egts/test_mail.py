"""E-mails leave through a Celery task (egts/mail.py): a decision never fails because of mail.

The mail server is a real closed port (nothing listens there) and then a real SMTP server
(aiosmtpd) started on that same port; the worker is a real Celery worker on Redis.
"""

from __future__ import annotations

import email
import email.policy
import logging
import time
from html import unescape

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse

from contributions.models import Contribution
from egts.moderation import ModerationDecision, ModerationStatus
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import UserFactory, copil_member
from tests.fixtures.services import free_port

QUEUED = "egts.mail.QueuedEmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def mail_server_down(settings):
    """Every e-mail queued, then sent over SMTP to a port where nothing listens."""
    port = free_port()
    settings.EMAIL_BACKEND = QUEUED
    settings.EMAIL_DELIVERY_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    return port


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


def _moderate(client, contribution) -> object:
    client.force_login(copil_member("grand-sud"))
    return client.post(
        reverse("contributions:moderate", args=[contribution.pk]),
        {"decision": "publish", "published_body": contribution.body},
    )


@pytest.mark.django_db
def test_moderation_with_the_mail_server_down_saves_the_decision_and_answers_normally(
    client, mail_server_down, caplog, django_capture_on_commit_callbacks
):
    author = UserFactory(email="autrice@exemple.fr")
    contribution = ContributionFactory(author=author)

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = _moderate(client, contribution)

    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ModerationStatus.PUBLISHED
    assert ModerationDecision.objects.count() == 1
    # Eager here (no worker): the task tried once and said so.
    assert any("not sent" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_password_reset_with_the_mail_server_down_answers_normally(
    client, mail_server_down, django_capture_on_commit_callbacks
):
    UserFactory(email="oubli@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/password/reset/", {"email": "oubli@exemple.fr"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_with_the_broker_down_too_the_mail_is_sent_directly(
    client, settings, django_capture_on_commit_callbacks, caplog
):
    """Nothing listens where the broker should be: the mail goes straight to the server."""
    from egts.celery import app

    settings.EMAIL_BACKEND = QUEUED
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    contribution = ContributionFactory(author=UserFactory(email="auteur@exemple.fr"))
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app._pool = app.amqp._producer_pool = None
    try:
        with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
            response = _moderate(client, contribution)
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        app._pool = app.amqp._producer_pool = None
    assert response.status_code == 302
    assert Contribution.objects.get().status == ModerationStatus.PUBLISHED
    assert [m.to for m in mail.outbox] == [["auteur@exemple.fr"]]
    assert any("mail queue unreachable" in r.getMessage() for r in caplog.records)


def test_only_a_server_that_cannot_be_reached_or_says_try_later_is_tried_again():
    import smtplib

    from egts.mail import is_transient

    assert is_transient(ConnectionRefusedError(111, "Connection refused"))
    assert is_transient(TimeoutError())
    assert is_transient(smtplib.SMTPServerDisconnected("gone"))
    assert is_transient(smtplib.SMTPDataError(451, b"try later"))
    assert not is_transient(smtplib.SMTPDataError(554, b"rejected"))
    assert not is_transient(smtplib.SMTPRecipientsRefused({"x@exemple.fr": (550, b"no")}))
    assert is_transient(smtplib.SMTPRecipientsRefused({"x@exemple.fr": (450, b"later")}))
    assert not is_transient(ValueError("bad header"))


# --- A real worker on Redis, a real SMTP server started after the failure -------------------


@pytest.mark.celery_worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_mail_lost_to_a_down_server_is_retried_and_delivered_once_it_is_back(
    client, tmp_path, mail_server_down
):
    from importlib import import_module

    from django.apps import apps

    from egts.celery import app
    from egts.models import Territory

    # An earlier transactional test of this process may have flushed the reference rows.
    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    from tests.fixtures.celery_worker import start_worker

    port = mail_server_down
    author = UserFactory(email="autrice@exemple.fr")
    contribution = ContributionFactory(author=author, title="Un référent unique de parcours")
    worker = start_worker(
        tmp_path,
        extra_env={
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "EMAIL_RETRY_SECONDS": "1",
            "EMAIL_TIMEOUT": "2",
        },
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, worker.queue
    controller = None
    try:
        response = _moderate(client, contribution)
        assert response.status_code == 302
        contribution.refresh_from_db()
        assert contribution.status == ModerationStatus.PUBLISHED
        page = client.get(response["Location"])
        assert "Décision enregistrée" in unescape(page.content.decode())

        # The worker tries, fails on the closed port, and waits to try again.
        deadline = time.monotonic() + 60
        while worker.log().count("Retry in") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert worker.log().count("Retry in") >= 2, worker.log()
        assert "ConnectionRefusedError" in worker.log()

        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        deadline = time.monotonic() + 60
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.5)  # a second copy would have come by now
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        worker.stop()
        if controller is not None:
            controller.stop()

    assert len(inbox.messages) == 1, worker.log()
    recipients, content = inbox.messages[0]
    assert recipients == ["autrice@exemple.fr"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == "[EGTS] Votre contribution est publiée"
    assert "Un référent unique de parcours" in message.get_content()
    assert "Task egts.send_email[" in worker.log() and "succeeded" in worker.log()
