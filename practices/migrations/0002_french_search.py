"""French full-text search on PostgreSQL (egts/search_migration.py): the french_unaccent
configuration and a GIN index on the search vector. SQLite needs none of it."""

from django.db import migrations

from egts.search_migration import french_search


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [french_search(table="practices_practice", index="practice_search_gin")]
