"""Consensus results at scale: voters × statements × votes each, then the recomputation
(counts in SQL, the rule, opinion groups) as the Celery task runs it.

The issue's figure is 100,000 voters × 300 statements, 5,000,000 votes, in under 60 s
and 1 GiB. ``CONSENSUS_BENCH_VOTERS`` and ``CONSENSUS_BENCH_VOTES_EACH`` scale it down
(for a shared machine); the defaults are the issue's.
"""

from __future__ import annotations

import os
import random
import resource
import time

from django.db import connection
from django.utils import timezone

VOTERS = int(os.environ.get("CONSENSUS_BENCH_VOTERS", "100000"))
STATEMENTS = 300
VOTES_EACH = int(os.environ.get("CONSENSUS_BENCH_VOTES_EACH", "50"))
TARGET_SECONDS = 60.0
CATEGORIES = [
    "elus",
    "professionnels",
    "employeurs",
    "formation",
    "encadrement",
    "autres-professionnels",
    "benevoles",
    "usagers",
]


def _statements() -> list[int]:
    from consensus.models import Statement
    from egts.models import Theme

    themes = list(Theme.objects.all())
    now = timezone.now()
    made = Statement.objects.bulk_create(
        Statement(
            text=f"Énoncé de banc d'essai numéro {i}.",
            theme=themes[i % len(themes)],
            status="published",
            published_at=now,
        )
        for i in range(STATEMENTS)
    )
    return [s.pk for s in made]


def _load(statement_ids: list[int]) -> float:
    """COPY the votes: two planted opinion groups, each voter on VOTES_EACH statements.
    Streamed a thousand voters at a time, so that loading does not raise the process's
    peak memory above what the recomputation measured after it needs."""
    from consensus.models import Vote

    rng = random.Random(2014)  # noqa: S311 — reproducible data, not security
    started = time.perf_counter()
    now = timezone.now().isoformat()
    table = Vote._meta.db_table
    columns = "statement_id, vote, actor_category, session_key, created_at, updated_at"
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            lines = []
            for voter in range(VOTERS):
                group = voter % 2
                category = CATEGORIES[voter % len(CATEGORIES)]
                for statement in rng.sample(statement_ids, VOTES_EACH):
                    agrees = (statement % 2 == 0) == (group == 0)
                    if rng.random() < 0.1:
                        agrees = not agrees
                    vote = "agree" if agrees else "disagree"
                    lines.append(f"{statement}\t{vote}\t{category}\t{voter:064x}\t{now}\t{now}\n")
                if voter % 1000 == 999:
                    copy.write("".join(lines))
                    lines = []
            copy.write("".join(lines))
        cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def run() -> None:
    from consensus.models import StatementResult
    from consensus.tasks import compute_results

    if connection.vendor != "postgresql":
        print("PostgreSQL only (COPY).")
        return
    statement_ids = _statements()
    load = _load(statement_ids)
    print(f"loaded {VOTERS * VOTES_EACH:,} votes ({VOTERS:,} voters) in {load:.1f} s")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    compute_results.apply(args=[None])
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from consensus.models import Computation

    groups = Computation.objects.get(scope="national").groups
    print(
        f"recomputed {StatementResult.objects.count()} results and {len(groups)} groups "
        f"in {elapsed:.1f} s (target {TARGET_SECONDS:.0f} s at 5,000,000 votes); "
        f"peak memory {peak / 1024:.0f} MiB (was {before / 1024:.0f} MiB before)"
    )
