"""French full-text search, shared by contributions, practices and documents.

On PostgreSQL each model keeps a ``search_vector`` (its services refresh it; a GIN index
and the ``french_unaccent`` configuration come from each app's migration 0002). Elsewhere,
SQLite for ``make run``, every word must appear in one of the model's text fields.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q

SEARCH_CONFIG = "french_unaccent"


class FrenchSearchMixin:
    """For a QuerySet: ``search(q)``. ``search_fields`` name the fields searched without
    PostgreSQL."""

    search_fields: tuple[str, ...] = ()

    def search(self, q: str):
        q = (q or "").strip()
        if not q:
            return self
        if connection.vendor == "postgresql":
            query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
            return self.filter(search_vector=query)
        condition = Q()
        for word in q.split():
            any_field = Q()
            for field in self.search_fields:
                any_field |= Q(**{f"{field}__icontains": word})
            condition &= any_field
        return self.filter(condition)
