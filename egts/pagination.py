"""Pagination whose count never scans millions of rows, for the pages and for the API.

A ``COUNT(*)`` over two million published contributions reads them all, whatever the
index; it was most of a list page's time at national volume. Both paginators here count
at most ``COUNT_LIMIT + 1`` rows (``SELECT count(*) FROM (… LIMIT n)``, which stops at the
limit, on the same index as the page): below the limit the count is exact, beyond it the
page says "plus de 10 000" and the API says ``count_is_exact: false`` beside the same
``count, next, previous, results`` shape. Pages stay reachable up to the limit; beyond it
the filters and the search narrow the list, as readers of such a list do.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.response import Response

COUNT_LIMIT = 10_000


def bounded_count(queryset, limit: int = COUNT_LIMIT) -> int:
    """The number of rows, or ``limit + 1`` when there are more: one query either way."""
    if isinstance(queryset, list | tuple):
        return min(len(queryset), limit + 1)
    return queryset.order_by()[: limit + 1].count()


class BoundedPaginator(Paginator):
    """A Django paginator for the HTML lists: ``count_is_exact`` tells the template."""

    limit = COUNT_LIMIT

    @cached_property
    def count(self) -> int:
        return bounded_count(self.object_list, self.limit)

    @property
    def count_is_exact(self) -> bool:
        return self.count <= self.limit


class PageNumberPagination(pagination.PageNumberPagination):
    """The API's pagination: ``count`` is exact up to ``COUNT_LIMIT``, bounded beyond."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = BoundedPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count if paginator.count_is_exact else paginator.limit,
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
            "description": "false when there are more than `count` results (counting stops "
            f"at {COUNT_LIMIT:,}).".replace(",", " "),
        }
        described["required"] = [*described.get("required", ["count", "results"])]
        if "count_is_exact" not in described["required"]:
            described["required"].append("count_is_exact")
        return described
