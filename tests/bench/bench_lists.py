"""The public lists at national volume, cache bypassed: 2,000,000 published contributions.

Loaded by set-based SQL (tests/load/bulk.py, a few minutes), plus pending ones, then each
page is requested as an anonymous visitor with the page cache off: the list, a theme
filter, a territory filter, a search, deep pages, filters combined (theme + kind +
territory, some of which match few or no rows), a search within filters, and the API
list. Prints p50 / p95 / max and the number of queries of each. Target (issue 23): p95
under 100 ms each. With ``BENCH_KEEPDB=on`` a second run loads only what is missing.

BENCH_LIST_ROWS sets the number of published contributions (2,000,000).
"""

from __future__ import annotations

import os
import statistics
import time

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

ROWS = int(os.environ.get("BENCH_LIST_ROWS", "2000000"))
REPEATS = 30


def _scenarios() -> list[tuple[str, list[str]]]:
    pages = [f"?page={n}" for n in range(1, REPEATS + 1)]
    return [
        ("list", ["/contributions/"] + [f"/contributions/{p}" for p in pages[1:]]),
        ("theme filter", [f"/contributions/?theme=T{1 + n % 6}" for n in range(REPEATS)]),
        ("territory filter", [f"/contributions/?territory={s}" for s in _territories()]),
        ("search", [f"/contributions/?q={w}" for w in _words()]),
        ("combined filters", _combined()),
        (
            "search + filters",
            [f"/contributions/?q={w}&theme=T{1 + n % 6}" for n, w in enumerate(_words())],
        ),
        ("API list", [f"/api/v1/contributions/{p}" for p in pages]),
    ]


def _territories() -> list[str]:
    from egts.models import Territory

    slugs = list(Territory.objects.order_by("order").values_list("slug", flat=True))
    return [slugs[n % len(slugs)] for n in range(REPEATS)]


def _combined() -> list[str]:
    kinds = ["expectation", "observation", "proposal"]
    return [
        f"/contributions/?theme=T{1 + n % 6}&kind={kinds[n % 3]}&territory={slug}"
        for n, slug in enumerate(_territories())
    ]


def _words() -> list[str]:
    from tests.load.bulk import WORDS

    return [WORDS[(n * 7) % len(WORDS)] for n in range(REPEATS)]


def _published() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM contributions_contribution WHERE status='published'")
        return cursor.fetchone()[0]


def run() -> None:
    from tests.load.bulk import load_contributions

    published = _published()
    seconds = 0.0
    if published < ROWS:
        missing = ROWS - published
        seconds = load_contributions(int(missing * 1.05), published_share=1 / 1.05)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contributions_contribution")
        published = _published()
    print(f"{published:,} published contributions (and pending ones), loaded in {seconds:.0f} s")
    client = Client()
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, PUBLIC_PAGE_LOCAL_SECONDS=0):
        for name, urls in _scenarios():
            client.get(urls[0])  # warm the process, not the page
            timings, queries = [], 0
            for url in urls:
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries = max(queries, len(captured.captured_queries))
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(
                f"{name:18} p50 {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms  "
                f"max {timings[-1]:6.1f} ms  queries {queries}"
            )
