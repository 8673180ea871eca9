"""Practices at scale: 20,000 published practices, then the catalogue, the API list, a search
and one sheet PDF.

Rows go in with bulk_create (themes and tags through their M2M tables), the search vectors
with one UPDATE. Each page is requested through ``django.test.Client`` as an anonymous
visitor; the median of several requests is printed with the number of queries.
"""

from __future__ import annotations

import random
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

PRACTICES = 20_000
REPEATS = 15

WORDS = (
    "accueil logement insertion famille parentalité jeunes aidants hébergement accès droits "
    "coordination formation bénévoles quartier santé emploi handicap autonomie médiation "
    "jardin permanence maraude référent parcours partenariat évaluation"
).split()


def _load() -> float:
    from egts.models import Department, Policy, Theme
    from egts.moderation import ModerationStatus
    from practices.models import Practice, PracticeTag
    from practices.services import refresh_search_vectors

    rng = random.Random(2014)  # noqa: S311 — reproducible data, not security
    departments = list(Department.objects.select_related("region"))
    themes = list(Theme.objects.all())
    policies = list(Policy.objects.all())
    # ignore_conflicts: a second load (make loadtest's national phase) reuses the tags.
    PracticeTag.objects.bulk_create(
        [PracticeTag(name=f"Mot-clé {i}", slug=f"mot-cle-{i}") for i in range(40)],
        ignore_conflicts=True,
    )
    tags = list(PracticeTag.objects.filter(slug__startswith="mot-cle-").order_by("pk"))
    now = timezone.now()
    started = time.perf_counter()

    def sentence(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    practices = []
    for index in range(PRACTICES):
        department = rng.choice(departments)
        practices.append(
            Practice(
                is_draft=False,
                status=ModerationStatus.PUBLISHED,
                title=f"{sentence(5)[:-1]} n° {index}",
                summary=sentence(25),
                context=sentence(60),
                people_concerned=sentence(15),
                actors=sentence(15),
                implementation=sentence(80),
                results=sentence(40),
                transfer_conditions=sentence(30),
                organisation=f"Structure {index % 700}",
                department=department,
                territory_id=department.region.territory_id,
                actor_category="professionnels",
                featured=index % 50 == 0,
                submitted_at=now,
                published_at=now - timezone.timedelta(minutes=index),
            )
        )
    practices = Practice.objects.bulk_create(practices, batch_size=2_000)
    theme_links = Practice.themes.through
    policy_links = Practice.policies.through
    tag_links = Practice.tags.through
    theme_links.objects.bulk_create(
        [theme_links(practice_id=p.pk, theme_id=rng.choice(themes).pk) for p in practices],
        batch_size=5_000,
    )
    policy_links.objects.bulk_create(
        [policy_links(practice_id=p.pk, policy_id=rng.choice(policies).pk) for p in practices],
        batch_size=5_000,
    )
    tag_links.objects.bulk_create(
        [tag_links(practice_id=p.pk, practicetag_id=rng.choice(tags).pk) for p in practices],
        batch_size=5_000,
    )
    refresh_search_vectors(p.pk for p in practices)
    if connection.vendor == "postgresql":
        # What autovacuum does in production: statistics and a visibility map for index-only
        # counts. VACUUM cannot run inside a transaction; the harness runs in autocommit.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE practices_practice")
    return time.perf_counter() - started


def _median(label: str, url: str, params: dict | None = None) -> float:
    from django.test import Client

    # The benchmark runs outside the test runner: "testserver" is not an allowed host here.
    client = Client(HTTP_HOST="localhost")
    client.get(url, params)  # warm the caches and the connection
    durations = []
    queries = 0
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            durations.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    median = statistics.median(durations)
    print(f"{label:<44} median {median * 1000:7.1f} ms  ({queries} queries, {REPEATS} requests)")
    return median


def _sheet() -> None:
    from django.core.cache import cache

    from practices.models import Practice
    from practices.sheet import render_sheet, sheet_pdf

    practice = (
        Practice.objects.published()
        .with_references()
        .prefetch_related("attachments")
        .order_by("pk")
        .first()
    )
    render_sheet(practice)  # WeasyPrint loads its fonts once per process
    cache.clear()
    started = time.perf_counter()
    pdf = sheet_pdf(practice)
    rendered = time.perf_counter() - started
    started = time.perf_counter()
    sheet_pdf(practice)
    cached = time.perf_counter() - started
    print(
        f"{'sheet.pdf render (one practice)':<44} {rendered * 1000:7.1f} ms  "
        f"({len(pdf) // 1024} KB); from cache {cached * 1000:.1f} ms"
    )


def run() -> None:
    from django.urls import reverse

    from practices.models import Practice

    load_seconds = _load()
    count = Practice.objects.published().count()
    print(f"loaded {count:,} published practices in {load_seconds:.1f} s")
    catalogue = reverse("practices:catalogue")
    api_list = reverse("api-practice-list")
    _median("catalogue page 1", catalogue)
    _median("catalogue page 500", catalogue, {"page": 500})
    _median(
        "catalogue territory=grand-sud + theme=T1",
        catalogue,
        {"territory": "grand-sud", "theme": "T1"},
    )
    _median("catalogue search q=logement", catalogue, {"q": "logement"})
    _median("API list", api_list)
    _median("API list page_size=100", api_list, {"page_size": 100})
    _median("API list search q=parentalité", api_list, {"q": "parentalité"})
    _sheet()
