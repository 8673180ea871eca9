from celery import shared_task


@shared_task(name="egts.ping")
def ping() -> str:
    """Answers "pong": proves that a worker consumes the broker's queue."""
    return "pong"


@shared_task(name="egts.purge_login_records", soft_time_limit=300, time_limit=330)
def purge_login_records_task() -> int:
    """Login records past their retention period, expired API tokens (Celery beat, daily)."""
    from .login_records import purge_login_records

    return purge_login_records()
