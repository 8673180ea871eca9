"""The framework's ceiling for `make loadtest`: one insert and one select, nothing else.

Mounted only when EGTS_LOAD_PROBE=on (the load test sets it); never in production.
"""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

_TABLE_READY = False


def ensure_table() -> None:
    """Creates the probe's table; the load test calls it once before gunicorn starts, since
    several workers racing on CREATE TABLE IF NOT EXISTS can collide in PostgreSQL's catalog."""
    global _TABLE_READY
    if not _TABLE_READY:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS egts_load_probe "
                "(id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())"
            )
        _TABLE_READY = True


@csrf_exempt
def ceiling(request):
    ensure_table()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO egts_load_probe DEFAULT VALUES RETURNING id")
        (probe_id,) = cursor.fetchone()
        cursor.execute("SELECT id, created_at FROM egts_load_probe WHERE id = %s", [probe_id])
        row = cursor.fetchone()
    return JsonResponse({"id": row[0]})
