"""The public list's queries use their indexes over a large table, never a sequential scan.

Tens of thousands of published (and pending) contributions are loaded by set-based SQL
(tests/load/bulk.py) and analysed; every query the list, its filters, its search and the
API list send is then explained by PostgreSQL. A sequential scan of the contributions table
is what made page 1 take 266 ms at 1.7 million rows: here it fails the test.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contributions.models import Contribution
from tests.load.bulk import load_contributions

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

URLS = [
    "/contributions/",
    "/contributions/?page=3",
    "/contributions/?theme=T3",
    "/contributions/?policy=P2",
    "/contributions/?territory=grand-sud",
    "/contributions/?kind=proposal",
    "/contributions/?theme=T3&territory=grand-sud",
    "/contributions/?q=travail",
    "/contributions/?q=zebulon",
    "/api/v1/contributions/",
    "/api/v1/contributions/?theme=T1",
    "/api/v1/contributions/?territory=grand-est",
]


@pytest.fixture(scope="module")
def large_table(django_db_setup, django_db_blocker):
    """Loaded once for the module, and removed after it (the other tests expect few rows)."""
    with django_db_blocker.unblock():
        load_contributions(40_000, published_share=0.9)
        yield
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM contributions_contribution_themes;"
                "DELETE FROM contributions_contribution_policies;"
                "DELETE FROM contributions_contribution;"
                "ANALYZE contributions_contribution"
            )


def _plans(client, url: str) -> list[tuple[str, str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    plans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or "contributions_contribution" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


@pytest.mark.parametrize("url", URLS)
def test_list_filter_search_and_api_queries_never_scan_the_table(
    client, settings, large_table, url
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    # 40,000 rows stand for two million: the lists are "large" from 1,000 rows on, as they
    # are from 10,000 on in production (below that, a count is cheap whatever its plan).
    settings.LIST_COUNT_LIMIT = 1_000
    plans = _plans(client, url)
    assert plans, url
    for sql, plan in plans:
        scans = [
            line
            for line in plan.splitlines()
            if "Seq Scan on contributions_contribution " in line + " "
        ]
        assert not scans, f"{url}\n{sql}\n{plan}"


def test_a_large_list_is_counted_by_estimate_and_says_so(client, settings, large_table):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/contributions/")
    assert not any(q["sql"].startswith("SELECT COUNT(*)") for q in captured.captured_queries)
    assert "Environ 36" in response.content.decode()
    data = client.get("/api/v1/contributions/").json()
    assert data["count_is_exact"] is False
    assert 30_000 < data["count"] < 45_000
    assert set(data) == {"count", "count_is_exact", "next", "previous", "results"}


def test_a_count_the_planner_finds_costly_is_estimated_and_a_short_page_makes_it_exact(
    client, settings, large_table
):
    """A combination of filters matching a few thousand rows costs more to count than to
    list: beyond LIST_COUNT_COST_LIMIT its count is the planner's, said as an estimate."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.LIST_COUNT_COST_LIMIT = 1  # any count is "costly" here
    url = "/api/v1/contributions/?theme=T3&territory=grand-sud"
    with CaptureQueriesContext(connection) as captured:
        data = client.get(url).json()
    assert not any(q["sql"].startswith("SELECT COUNT(*)") for q in captured.captured_queries)
    assert data["count_is_exact"] is False
    assert len(data["results"]) == 20 and data["next"]

    assert "Environ" in client.get(url.replace("/api/v1", "")).content.decode()


def test_an_estimated_list_reads_its_pages_without_trusting_the_estimate(settings, large_table):
    from egts.pagination import BoundedPaginator

    settings.LIST_COUNT_COST_LIMIT = 1
    published = Contribution.objects.published().order_by("-published_at", "-id")
    # Ten rows, but the planner is asked about them through a costly filter: estimated.
    ten = published.filter(pk__in=list(published.values_list("pk", flat=True)[:10]))
    paginator = BoundedPaginator(ten, 4)
    first = paginator.page(1)
    assert len(first.object_list) == 4 and not paginator.count_is_exact
    last = paginator.page(3)
    assert len(last.object_list) == 2
    assert paginator.count_is_exact and paginator.count == 10 and paginator.num_pages == 3
    assert not last.has_next()

    # The planner expects rows that are not there: a page past the end falls back to the
    # first, which finds the list empty and says so exactly; never an error.
    absent = published.filter(title__contains="absent de tous les titres")
    paginator = BoundedPaginator(absent, 4)
    paginator._counted = (100, False)  # what an estimate off by 100 rows would give
    assert paginator.num_pages == 25
    page = paginator.get_page(5)
    assert page.number == 1 and list(page.object_list) == []
    assert paginator.count_is_exact and paginator.count == 0
