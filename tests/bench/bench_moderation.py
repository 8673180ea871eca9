"""Moderation at volume: the queue page's query count (10 vs 1,000 pending items) and the
time of one request that bulk-publishes 500 items. Run with `make bench` (PostgreSQL)."""

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone

QUEUE_URL = "/espace/grand-sud/moderation/"
BULK_SIZE = 500
MAX_BULK_SECONDS = 2.0


def _contributions(n: int, *, territory, authors) -> list:
    from contributions.models import Contribution

    now = timezone.now()
    return Contribution.objects.bulk_create(
        Contribution(
            kind="expectation",
            title=f"Contribution de charge {i}",
            body="Un texte de contribution assez long pour une file réaliste.",
            territory=territory,
            actor_category="professionnels",
            author=authors[i % len(authors)],
            submitted_at=now - timezone.timedelta(minutes=n - i),
        )
        for i in range(n)
    )


def _queue_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE_URL)
    assert response.status_code == 200, response.status_code
    return len(queries), len(response.context["rows"])


def run() -> None:
    from egts.models import Membership, Role, Territory, User
    from egts.moderation import ModerationStatus

    try:
        setup_test_environment()  # testserver host, in-memory mail
    except RuntimeError:
        pass  # already set up by the caller
    territory = Territory.objects.get(slug="grand-sud")
    lead = User.objects.create_user(email="bench.lead@egts.example", password=None)
    Membership.objects.create(user=lead, territory=territory, role=Role.COPIL_LEAD)
    authors = [
        User.objects.create_user(email=f"bench.author{i}@egts.example", password=None)
        for i in range(50)
    ]
    client = Client()
    client.force_login(lead)

    items = _contributions(10, territory=territory, authors=authors)
    client.get(QUEUE_URL)  # warm-up: session, content types
    queries_10, rows_10 = _queue_queries(client)
    items += _contributions(990, territory=territory, authors=authors)
    queries_1000, rows_1000 = _queue_queries(client)
    print(f"queue page, {rows_10} pending items shown: {queries_10} queries")
    print(
        f"queue page, {rows_1000} pending items shown (page of 500 of 1,000): "
        f"{queries_1000} queries"
    )
    assert queries_10 == queries_1000, "the queue's query count grows with its size"

    selection = [f"contribution:{c.pk}" for c in items[:BULK_SIZE]]
    started = time.perf_counter()
    response = client.post(QUEUE_URL, {"items": selection, "decision": "publish"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    from contributions.models import Contribution

    published = Contribution.objects.filter(status=ModerationStatus.PUBLISHED).count()
    print(
        f"bulk publish of {BULK_SIZE} items in one request: {elapsed:.2f} s "
        f"({published} published, limit {MAX_BULK_SECONDS:.0f} s, {connection.vendor})"
    )
    assert published == BULK_SIZE
    assert elapsed < MAX_BULK_SECONDS, f"bulk publish took {elapsed:.2f} s"
