"""Pagination whose count never scans millions of rows, for the pages and for the API.

A ``COUNT(*)`` over two million published contributions reads them all, whatever the
index; it was most of a list page's time at national volume. Both paginators here first
ask PostgreSQL's planner how many rows it expects (``EXPLAIN``: statistics, no row read).
Above ``COUNT_LIMIT`` that estimate is the count, said as one ("environ 1 800 000
contributions"; the API adds ``count_is_exact: false`` to the same ``count, next,
previous, results`` shape). Below it, the rows are counted, at most ``COUNT_LIMIT + 1`` of
them (``SELECT count(*) FROM (… LIMIT n)``), unless the planner expects that counting
would cost more than ``COUNT_COST_LIMIT``: at two million rows, 9,000 matches of a theme +
kind + territory filter took 400 to 800 ms to count (the page itself, 3 ms). Then the
estimate is the count too, and a short page (fewer rows than a page holds) makes it
exact. Pages are reachable up to the limit; beyond it the filters and the search narrow
the list, as readers of such a list do.
"""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db import NotSupportedError, connections
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.response import Response

COUNT_LIMIT = 10_000  # settings.LIST_COUNT_LIMIT overrides it (the EXPLAIN tests lower it)
# In the planner's cost units (sequential page reads = 1). Counting the 9,000 matches above
# was planned at 150,000 to 300,000; a plain territory filter's 10,001 rows, under 40,000.
COUNT_COST_LIMIT = 100_000  # settings.LIST_COUNT_COST_LIMIT overrides it


def count_limit() -> int:
    return getattr(settings, "LIST_COUNT_LIMIT", COUNT_LIMIT)


def count_cost_limit() -> float:
    return getattr(settings, "LIST_COUNT_COST_LIMIT", COUNT_COST_LIMIT)


def planner_plan(queryset) -> tuple[int, float] | None:
    """(rows, total cost) PostgreSQL expects for the query, without reading it (or None)."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    try:
        plan = json.loads(queryset.order_by().explain(format="json"))
    except (NotSupportedError, ValueError, TypeError):
        return None
    return int(plan[0]["Plan"]["Plan Rows"]), float(plan[0]["Plan"]["Total Cost"])


def planner_estimate(queryset) -> int | None:
    """The rows PostgreSQL expects the query to return, without reading them (or None)."""
    planned = planner_plan(queryset)
    return None if planned is None else planned[0]


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
    planned = planner_plan(queryset)
    estimate = None if planned is None else planned[0]
    if planned is not None and (estimate > limit or planned[1] > count_cost_limit()):
        return max(1, _rounded(estimate)), False
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
        return max(1, min(pages, math.ceil(self.limit / self.per_page)))

    def page(self, number):
        """With an estimated count, a page is read without trusting the estimate: it holds
        up to ``per_page`` rows, and a short page gives the exact count."""
        if self.count_is_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if len(rows) < self.per_page:
            self._counted = (bottom + len(rows), True)
            for known in ("count", "num_pages"):
                self.__dict__.pop(known, None)
        return self._get_page(rows, number, self)

    def get_page(self, number):
        """As Django's, but an empty page of an estimated list falls back to the first."""
        try:
            return super().get_page(number)
        except EmptyPage:
            return self.page(1)


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
