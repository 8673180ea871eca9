from celery import shared_task


@shared_task(name="egts.ping")
def ping() -> str:
    """Answers "pong": proves that a worker consumes the broker's queue."""
    return "pong"
