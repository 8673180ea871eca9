"""The French search's database side, for the migrations of every searchable model.

On PostgreSQL: the ``unaccent`` extension, the ``french_unaccent`` configuration (French
stems of unaccented words; created only when missing, so the apps migrate in any order) and
a GIN index on the model's ``search_vector``. Going back drops the index only: the other
apps may rely on the configuration. SQLite (``make run``) searches without any of it
(egts/search.py), hence the vendor check, which only a migration needs.
"""

from __future__ import annotations

from django.db import migrations

from .search import SEARCH_CONFIG

CONFIGURATION = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{SEARCH_CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} ( COPY = french );
        ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIG}
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END
    $$;
    """,  # noqa: S608 — the configuration's name is a constant of egts/search.py
]


def french_search(*, table: str, index: str) -> migrations.RunPython:
    """The operation that gives ``table`` its French search (configuration and GIN index)."""
    forward_statements = [
        *CONFIGURATION,
        f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_vector)",
    ]
    backward_statements = [f"DROP INDEX IF EXISTS {index}"]

    def run(statements):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            for statement in statements:
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(forward_statements), run(backward_statements))
