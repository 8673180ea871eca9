"""Writing the many rows of a run: COPY on PostgreSQL, bulk_create elsewhere.

A run of a million texts writes a million memberships and twenty million band keys; COPY
loads them several times faster than multi-row INSERTs, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


def insert_rows(model, fields: list[str], rows: Iterable[tuple]) -> None:
    """Insert ``rows`` (tuples of values for ``fields``, attribute names such as
    ``run_id``) into ``model``'s table."""
    opts = model._meta
    if connection.vendor == "postgresql":
        columns = ", ".join(
            connection.ops.quote_name(opts.get_field(name).column) for name in fields
        )
        table = connection.ops.quote_name(opts.db_table)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    model.objects.bulk_create(
        (model(**dict(zip(fields, row, strict=True))) for row in rows), batch_size=2000
    )
