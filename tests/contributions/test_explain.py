"""The public list's queries use their indexes over a large table, never a sequential scan.

Tens of thousands of published (and pending) contributions are loaded by set-based SQL
(tests/load/bulk.py) and analysed; every query the list, its filters, its search and the
API list send is then explained by PostgreSQL. A sequential scan of the contributions table
is what made page 1 take 266 ms at 1.7 million rows: here it fails the test.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
