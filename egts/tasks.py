from celery import shared_task


@shared_task(name="egts.ping")
def ping() -> str:
    """Answers "pong": proves that a worker consumes the broker's queue."""
    return "pong"


@shared_task(name="egts.purge_submission_guards", soft_time_limit=120, time_limit=150)
def purge_submission_guards_task() -> int:
    """Delete the records of sendings older than the resubmission window (Celery beat)."""
    from .resubmission import purge

    return purge()
