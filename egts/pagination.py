"""Pagination whose count never scans millions of rows, for the pages and for the API.

A ``COUNT(*)`` over two million published contributions reads them all, whatever the
index; it was most of a list page's time at national volume. Both paginators here first
ask PostgreSQL's planner how many rows it expects (``EXPLAIN``: statistics, no row read).
Above ``COUNT_LIMIT`` that estimate is the count, said as one ("environ 1 800 000
contributions"; the API adds ``count_is_exact: false`` to the same ``count, next,
previous, results`` shape). Below it, the rows are counted, at most ``COUNT_LIMIT + 1`` of
them (``SELECT count(*) FROM (… LIMIT n)``). Pages are reachable up to the limit; beyond
it the filters and the search narrow the list, as readers of such a list do.
"""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.core.paginator import Paginator
from django.db import NotSupportedError, connections
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.response import Response

COUNT_LIMIT = 10_000  # settings.LIST_COUNT_LIMIT overrides it (the EXPLAIN tests lower it)


def count_limit() -> int:
    return getattr(settings, "LIST_COUNT_LIMIT", COUNT_LIMIT)


def planner_estimate(queryset) -> int | None:
    """The rows PostgreSQL expects the query to return, without reading them (or None)."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    try:
        plan = json.loads(queryset.order_by().explain(format="json"))
    except (NotSupportedError, ValueError, TypeError):
        return None
    return int(plan[0]["Plan"]["Plan Rows"])


def _rounded(n: int) -> int:
    """Two significant digits: an estimate is not read as an exact figure."""
    if n < 100:
        return n
    scale = 10 ** (len(str(n)) - 2)
    return round(n / scale) * scale


def bounded_count(queryset, limit: int | None = None) -> tuple[int, bool]:
    """(count, exact): the planner's estimate beyond ``limit``, an exact count below it."""
    limit = count_limit() if limit is None else limit
    if isinstance(queryset, list | tuple):
        return len(queryset), True
    estimate = planner_estimate(queryset)
    if estimate is not None and estimate > limit:
        return _rounded(estimate), False
    counted = queryset.order_by()[: limit + 1].count()
    if counted > limit:  # the statistics were behind: at least this many
        return max(counted, _rounded(estimate or 0)), False
    return counted, True


class BoundedPaginator(Paginator):
    """A Django paginator for the HTML lists: ``count_is_exact`` tells the template."""

    @cached_property
    def limit(self) -> int:
        return count_limit()

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return bounded_count(self.object_list, self.limit)

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is_exact(self) -> bool:
        return self._counted[1]

    @cached_property
    def num_pages(self) -> int:
        pages = super().num_pages
        if self.count_is_exact:
            return pages
        return min(pages, math.ceil(self.limit / self.per_page))


class PageNumberPagination(pagination.PageNumberPagination):
    """The API's pagination: ``count`` is exact up to ``COUNT_LIMIT``, estimated beyond."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = BoundedPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_exact": paginator.count_is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_is_exact"] = {
            "type": "boolean",
            "description": "false when `count` is the database's estimate (beyond "
            f"{COUNT_LIMIT} results, rounded to two significant digits).",
        }
        described["required"] = sorted({*described.get("required", []), "count", "results"})
        described["required"].append("count_is_exact")
        return described
