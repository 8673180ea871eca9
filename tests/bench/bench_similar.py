"""The similar-contribution look-up at volume (issue 18): p50 / p95 / max of one look-up.

Published contributions are loaded in bulk (tests/load/bulk.py, set-based SQL, with their
search vectors) up to each size of ``BENCH_SIMILAR_SIZES`` (default 10,000, 100,000 and
1,000,000, in that order, each adding only what is missing), ANALYZE'd as autovacuum
would, then the look-up runs on texts such as a participant writes: 20 to 60 words of the
bulk vocabulary (every word common, the hard case: the query ANDs the rarest until the
candidates fit), some with a word no contribution has. Timed both as the function and
through the API (``GET /api/v1/contributions/similar/``). Target: p95 under 100 ms at
1,000,000.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from unittest import mock
from urllib.parse import urlencode

from django.db import connection
from django.test import Client

SIZES = [int(s) for s in os.environ.get("BENCH_SIMILAR_SIZES", "10000,100000,1000000").split(",")]
LOOKUPS = 60
TARGET_MS = 100.0


def _published() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM contributions_contribution WHERE status='published'")
        return cursor.fetchone()[0]


def _texts() -> list[str]:
    from tests.load.bulk import WORDS

    rng = random.Random(18)
    texts = []
    for n in range(LOOKUPS):
        words = [rng.choice(WORDS) for _ in range(rng.randint(20, 60))]
        if n % 4 == 0:
            words.insert(rng.randrange(len(words)), "expulsions")
        texts.append(" ".join(words))
    return texts


def _figures(name: str, timings: list[float]) -> float:
    timings = sorted(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{name:22} p50 {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms  "
        f"max {timings[-1]:6.1f} ms"
    )
    return p95


def run() -> None:
    from contributions.api import SimilarThrottle
    from contributions.similar import similar_contributions
    from tests.load.bulk import load_contributions

    texts = _texts()
    client = Client()
    for size in SIZES:
        published = _published()
        seconds = 0.0
        if published < size:
            seconds = load_contributions(size - published)
            published = _published()
        print(f"\n{published:,} published contributions (loaded in {seconds:.0f} s)")
        similar_contributions(texts[0])  # warm the connection, not the rows
        timings, found = [], 0
        for text in texts:
            started = time.perf_counter()
            found += len(similar_contributions(text))
            timings.append((time.perf_counter() - started) * 1000)
        p95 = _figures("look-up (function)", timings)
        timings = []
        # The rate limit is the API's, not what is measured here.
        with mock.patch.object(SimilarThrottle, "allow_request", return_value=True):
            for text in texts:
                started = time.perf_counter()
                response = client.get(f"/api/v1/contributions/similar/?{urlencode({'text': text})}")
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
        _figures("GET /similar/ (API)", timings)
        print(
            f"results per look-up {found / len(texts):.1f}; target p95 < {TARGET_MS:.0f} ms: "
            f"{'met' if p95 < TARGET_MS else 'NOT met'}; load average {os.getloadavg()[0]:.2f}"
        )
