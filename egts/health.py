"""/health/: is the database reachable, is the broker reachable.

Load balancers and docker-compose poll it: 200 when both answer, 503 naming the
part that failed. It never touches the cache and is never cached.
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Seconds a probe may wait: a health check that hangs is worse than one that fails.
BROKER_TIMEOUT = 2


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "down"; the reason goes to the log
        logger.warning("Health check: database unreachable", exc_info=True)
        return "down"
    return "ok"


def check_broker() -> str:
    from egts.celery import app

    # Without a broker (development), tasks run in the web process: nothing to reach.
    if app.conf.task_always_eager:
        return "eager"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT
            )
    except Exception:  # any transport error means "down"; the reason goes to the log
        logger.warning("Health check: broker unreachable", exc_info=True)
        return "down"
    return "ok"


@never_cache
@require_safe
def health(request):
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
