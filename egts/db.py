"""A cursor for the few hand-written statements of the hot paths (PostgreSQL).

Django's cursors bind parameters on the client: psycopg quotes every value into the SQL
text, and PostgreSQL parses and plans that text anew each time. For the statements a
submission sends (its insert, the token lookup), profiling under load showed the quoting
alone as a sixth of the request. ``server_bound_cursor()`` sends the parameters apart from
the SQL, in binary, and, with ``DB_PREPARE_THRESHOLD`` (settings), lets psycopg prepare a
statement a connection has sent that many times, so it is planned once per connection.

The statement still goes through Django's cursor wrapper: the same error translation,
the same health check and thread checks, and tests see it among the queries.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format


def server_bound_cursor():
    """A cursor of the default connection binding its parameters on the server."""
    # What BaseDatabaseWrapper.cursor() does, with another cursor class.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    # As DatabaseWrapper.create_cursor(): dates read in the configured time zone.
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, raw)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)
