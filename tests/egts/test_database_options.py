"""The PostgreSQL connection binds parameters on the server and prepares the statements a
connection sends often (egts/settings.py): every query of the ORM, not a few hand-written ones."""

import pytest
from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor

from egts.models import Theme

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


def test_orm_queries_send_their_parameters_apart_from_the_sql():
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, ServerBindingCursor)
        cursor.execute("SELECT %s::text || %s::text", ["l'un ", "et l'autre"])
        assert cursor.fetchone() == ("l'un et l'autre",)


def test_a_query_sent_often_is_prepared_once_per_connection():
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert threshold == 5
    code = Theme.objects.order_by("pk").values_list("pk", flat=True).first()
    before = _prepared()
    for _ in range(threshold + 2):
        assert Theme.objects.filter(pk=code).exists()

    assert _prepared() == before + 1
