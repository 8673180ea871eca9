"""egts/db.py: the hot paths' statements bind their parameters on the server, are
prepared once a connection has sent them often enough, and still go through Django's
cursor wrapper (errors translated, queries seen by tests)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.test.utils import CaptureQueriesContext

from egts.db import server_bound_cursor
from egts.models import Theme

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


def test_parameters_travel_apart_from_the_sql_and_tests_see_the_query():
    with CaptureQueriesContext(connection) as queries, server_bound_cursor() as cursor:
        assert isinstance(cursor.cursor, ServerBindingCursor)
        cursor.execute("SELECT %s::text || %s::text", ["l'un ", "et l'autre"])
        assert cursor.fetchone() == ("l'un et l'autre",)

    assert len(queries) == 1


def test_a_statement_sent_often_is_prepared_once_per_connection():
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert threshold == 5
    before = _prepared()
    for value in range(threshold + 2):
        with server_bound_cursor() as cursor:
            cursor.execute("SELECT %s::int + 1", [value])
            assert cursor.fetchone() == (value + 1,)

    assert _prepared() == before + 1


def test_a_refused_statement_raises_djangos_error_and_spoils_nothing():
    code = Theme.objects.first().pk
    with pytest.raises(IntegrityError), transaction.atomic(), server_bound_cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {Theme._meta.db_table} (code, label, "order") VALUES (%s, %s, %s)',  # noqa: S608
            [code, "Doublon", 0],
        )
    assert Theme.objects.filter(pk=code).count() == 1
