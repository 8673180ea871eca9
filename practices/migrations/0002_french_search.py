"""French full-text search on PostgreSQL: unaccent, a french_unaccent configuration, a GIN index.

The configuration may already exist (the contributions app creates the same one): it is
created only when missing, so either app can be migrated first. SQLite needs none of it.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent ( COPY = french );
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END
    $$;
    """,
    "CREATE INDEX IF NOT EXISTS practice_search_gin "
    "ON practices_practice USING gin (search_vector)",
]
# The configuration stays: the contributions app may rely on it.
BACKWARD = ["DROP INDEX IF EXISTS practice_search_gin"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
