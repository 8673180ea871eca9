import logging

from celery import shared_task

from . import mail

logger = logging.getLogger(__name__)


@shared_task(name="egts.ping")
def ping() -> str:
    """Answers "pong": proves that a worker consumes the broker's queue."""
    return "pong"


@shared_task(name="egts.purge_login_records", soft_time_limit=300, time_limit=330)
def purge_login_records_task() -> int:
    """Login records past their retention period, expired API tokens (Celery beat, daily)."""
    from .login_records import purge_login_records

    return purge_login_records()


@shared_task(
    bind=True,
    name="egts.send_email",
    max_retries=mail.MAX_RETRIES,
    soft_time_limit=60,
    time_limit=90,
)
def send_email(self, data: dict) -> str:
    """Send one e-mail (egts/mail.py); while the server is unreachable, try again later."""
    message = mail.deserialize(data)
    try:
        mail.deliver(message)
    except Exception as error:
        if not mail.is_transient(error):
            logger.error("e-mail « %s » refused by the server: %s", message.subject, error)
            return "refused"
        if self.request.is_eager:
            # Sent from the web process itself (development, no broker): no later attempt.
            logger.warning("e-mail « %s » not sent: %s", message.subject, error)
            return "failed"
        raise self.retry(exc=error, countdown=mail.retry_delay(self.request.retries)) from error
    return "sent"


@shared_task(name="egts.purge_submission_guards", soft_time_limit=120, time_limit=150)
def purge_submission_guards_task() -> int:
    """Delete the records of sendings older than the resubmission window (Celery beat)."""
    from .resubmission import purge

    return purge()
