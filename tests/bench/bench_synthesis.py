"""The national synthesis at scale, built by a real Celery worker on PostgreSQL and Redis.

For each size (contributions; the rest scales with it: responses = size / 5 with ten
answers each, practices = size / 50, forwarded proposals = size / 400: at 2,000,000 the
national case of issue 23, 40,000 practices and 5,000 proposals), rows are added
with INSERT … SELECT generate_series, then the bench prints:

- figures: the time of ``synthesis_request`` (the frozen SQL snapshot), in this process;
- PDF: the build time in the worker (HTML version + tagged PDF), from its timestamps;
- the worker's peak memory (VmHWM of the solo-pool worker, which runs the build itself).

Sizes come from ``BENCH_SYNTHESIS_SIZES`` (default ``10000,100000,2000000``); a quick run:
``BENCH_SYNTHESIS_SIZES=10000 python -m tests.bench synthesis``. With ``BENCH_KEEPDB=on``
the rows already there are kept and only the missing ones are added.
Targets at 2,000,000 (issue 23): figures < 10 s, PDF < 30 s, worker peak memory < 1 GiB;
the PDF's time and memory must not grow with the practices and proposals.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from django.db import connection

DEFAULT_SIZES = "10000,100000,2000000"
ACTOR_CATEGORIES = [
    "elus",
    "professionnels",
    "employeurs",
    "formation",
    "encadrement",
    "autres-professionnels",
    "benevoles",
    "usagers",
]
THEMES = ["T1", "T2", "T3", "T4", "T5", "T6"]
POLICIES = ["P1", "P2", "P3", "P4", "P5"]


def _sizes() -> list[int]:
    raw = os.environ.get("BENCH_SYNTHESIS_SIZES", DEFAULT_SIZES)
    return sorted(int(part.replace("_", "")) for part in raw.split(",") if part.strip())


def _departments() -> tuple[list[str], list[int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.code, r.territory_id FROM egts_department d "
            "JOIN egts_region r ON r.code = d.region_id ORDER BY d.code"
        )
        rows = cursor.fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 — fixed table names
        return cursor.fetchone()[0]


def _max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def _exec(sql: str, params: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _questionnaire():
    """One questionnaire of ten questions: 6 single, 2 scale, 1 multiple, 1 text."""
    from contributions.models import Choice, Question, QuestionKind, Questionnaire

    questionnaire, created = Questionnaire.objects.get_or_create(
        slug="bench", defaults={"title": "Questionnaire national (banc d'essai)"}
    )
    if created:
        kinds = [QuestionKind.SINGLE] * 6 + [QuestionKind.SCALE] * 2
        kinds += [QuestionKind.MULTIPLE, QuestionKind.TEXT]
        for order, kind in enumerate(kinds):
            question = Question.objects.create(
                questionnaire=questionnaire,
                kind=kind,
                label=f"Question {order + 1} du questionnaire national ?",
                order=order,
            )
            if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                Choice.objects.bulk_create(
                    [
                        Choice(question=question, label=label, order=i)
                        for i, label in enumerate(["Oui", "Plutôt oui", "Plutôt non", "Non"])
                    ]
                )
    return questionnaire


def _load_reference_work() -> None:
    """Hypotheses reviewed by every territory (small, built once)."""
    from assises.models import Hypothesis, HypothesisReview
    from egts.models import Territory

    if Hypothesis.objects.exists():
        return
    hypotheses = Hypothesis.objects.bulk_create(
        [
            Hypothesis(
                statement=f"Hypothèse {i + 1} du pré-diagnostic national",
                theme_id=THEMES[i % 6],
                policy_id=POLICIES[i % 5],
                is_published=True,
            )
            for i in range(12)
        ]
    )
    verdicts = ["confirmed", "refined", "invalidated"]
    HypothesisReview.objects.bulk_create(
        [
            HypothesisReview(
                hypothesis=h,
                territory=t,
                verdict=verdicts[(h.pk + t.pk) % 3],
                argument="Argumentaire du COPIL.",
                refined_statement="Nouvelle formulation." if (h.pk + t.pk) % 3 == 1 else "",
            )
            for h in hypotheses
            for t in Territory.objects.all()
        ]
    )


def _grow_to(size: int) -> float:
    """Add rows until the database holds ``size`` contributions (and the scaled rest)."""
    started = time.perf_counter()
    codes, territory_ids = _departments()
    common = {"deps": codes, "tids": territory_ids, "n": len(codes)}
    _load_reference_work()

    have = _count("contributions_contribution")
    if size > have:
        last = _max_id("contributions_contribution")
        _exec(
            """
            INSERT INTO contributions_contribution
              (status, territory_id, flags, submitted_at, published_at, moderation_reason,
               moderation_message, kind, title, body, published_body, department_id,
               actor_category, source, author_id, updated_at, search_vector)
            SELECT CASE WHEN g %% 10 = 0 THEN 'pending' ELSE 'published' END,
                   (%(tids)s::bigint[])[1 + g %% %(n)s], '[]'::jsonb, now(),
                   CASE WHEN g %% 10 = 0 THEN NULL ELSE now() END, '', '',
                   (ARRAY['expectation','observation','proposal'])[1 + g %% 3],
                   'Contribution n° ' || g,
                   'Texte de la contribution numéro ' || g || ' sur le travail social.',
                   '', (%(deps)s::text[])[1 + g %% %(n)s],
                   (%(cats)s::text[])[1 + (g / 7) %% 8],
                   CASE WHEN g %% 5 = 0 THEN 'paper' WHEN g %% 7 = 0 THEN 'user_group'
                        ELSE 'online' END,
                   NULL, now(), NULL
            FROM generate_series(%(start)s, %(stop)s) AS g
            """,
            {**common, "cats": ACTOR_CATEGORIES, "start": have + 1, "stop": size},
        )
        _exec(
            "INSERT INTO contributions_contribution_themes (contribution_id, theme_id) "
            "SELECT id, (%(themes)s::text[])[1 + id %% 6] FROM contributions_contribution "
            "WHERE id > %(last)s",
            {"themes": THEMES, "last": last},
        )
        _exec(
            "INSERT INTO contributions_contribution_policies (contribution_id, policy_id) "
            "SELECT id, (%(policies)s::text[])[1 + id %% 5] FROM contributions_contribution "
            "WHERE id > %(last)s AND id %% 2 = 0",
            {"policies": POLICIES, "last": last},
        )

    questionnaire = _questionnaire()
    responses = size // 5
    have = _count("contributions_response")
    if responses > have:
        last = _max_id("contributions_response")
        _exec(
            """
            INSERT INTO contributions_response
              (questionnaire_id, user_id, actor_category, department_id, territory_id, created_at)
            SELECT %(q)s, NULL, (%(cats)s::text[])[1 + g %% 8],
                   (%(deps)s::text[])[1 + g %% %(n)s], (%(tids)s::bigint[])[1 + g %% %(n)s], now()
            FROM generate_series(%(start)s, %(stop)s) AS g
            """,
            {
                **common,
                "q": questionnaire.pk,
                "cats": ACTOR_CATEGORIES,
                "start": have + 1,
                "stop": responses,
            },
        )
        for question in questionnaire.questions.prefetch_related("choices").order_by("order"):
            _exec(
                """
                INSERT INTO contributions_answer (response_id, question_id, choice_id, value, text)
                SELECT r.id, %(question)s,
                       CASE WHEN %(kind)s IN ('single', 'multiple')
                            THEN (%(choices)s::bigint[])[1 + r.id %% 4] END,
                       CASE WHEN %(kind)s = 'scale' THEN (1 + r.id %% 5)::smallint END,
                       CASE WHEN %(kind)s = 'text' THEN 'Réponse libre ' || r.id ELSE '' END
                FROM contributions_response r WHERE r.id > %(last)s
                """,
                {
                    "question": question.pk,
                    "kind": question.kind,
                    "choices": [c.pk for c in question.choices.all()] or [0],
                    "last": last,
                },
            )

    practices = max(9, size // 50)
    have = _count("practices_practice")
    if practices > have:
        last = _max_id("practices_practice")
        _exec(
            """
            INSERT INTO practices_practice
              (status, territory_id, flags, submitted_at, published_at, moderation_reason,
               moderation_message, is_draft, current_step, title, summary, context,
               people_concerned, actors, implementation, results, transfer_conditions,
               organisation, department_id, actor_category, contact_email, author_id,
               featured, created_at, updated_at, search_vector)
            SELECT 'published', (%(tids)s::bigint[])[1 + g %% %(n)s], '[]'::jsonb, now(), now(),
                   '', '', false, 4, 'Pratique significative n° ' || g,
                   'Un accueil partagé entre deux services pour les familles isolées.',
                   'Contexte', 'Familles', 'Centre social', 'Deux matinées par semaine',
                   'Fréquentation doublée', 'Un local neutre', 'Structure ' || (g %% 700),
                   (%(deps)s::text[])[1 + g %% %(n)s], 'professionnels',
                   'contact' || g || '@structure.example', NULL, g %% 50 = 0, now(), now(), NULL
            FROM generate_series(%(start)s, %(stop)s) AS g
            """,
            {**common, "start": have + 1, "stop": practices},
        )
        _exec(
            "INSERT INTO practices_practice_themes (practice_id, theme_id) "
            "SELECT id, (%(themes)s::text[])[1 + id %% 6] FROM practices_practice "
            "WHERE id > %(last)s",
            {"themes": THEMES, "last": last},
        )

    proposals = max(9, size // 400)
    have = _count("assises_proposal")
    if proposals > have:
        # Titles repeat every 300 proposals (same theme): several territories carry them.
        _exec(
            """
            INSERT INTO assises_proposal
              (territory_id, working_group_id, title, description, theme_id, policy_id, level,
               owner, priority, deadline, indicators, status, rank, created_by_id, created_at,
               validated_by_id, validated_at, forwarded_at)
            SELECT (SELECT array_agg(id ORDER BY "order") FROM egts_territory)[1 + g %% 9],
                   NULL, 'Proposition commune n° ' || (g %% 300),
                   'Description du levier d''action ' || g,
                   (%(themes)s::text[])[1 + g %% 6], (%(policies)s::text[])[1 + g %% 5],
                   (ARRAY['local','departmental','regional','national'])[1 + g %% 4],
                   'Conseil départemental', (ARRAY['high','medium','low'])[1 + g %% 3],
                   DATE '2015-06-30', 'Nombre de structures engagées', 'forwarded', NULL, NULL,
                   now(), NULL, now(), now()
            FROM generate_series(%(start)s, %(stop)s) AS g
            """,
            {"themes": THEMES, "policies": POLICIES, "start": have + 1, "stop": proposals},
        )
    # Vacuum now, so autovacuum does not compete with the build for the CPU.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


BENCH_TOPICS = 30


def _national_analysis(user) -> float:
    """A finished national analysis over every published contribution (30 topics, one
    quote each), so that the synthesis carries topics and its annex at this size."""
    from django.utils import timezone

    from analysis.models import AnalysisRun, Quote, RunPhase, RunStatus, Topic, scope_key
    from analysis.services.finalise import compute_sizes_and_shares

    started = time.perf_counter()
    kept = AnalysisRun.objects.filter(parameters__bench=True).first()
    if (
        os.environ.get("BENCH_KEEPDB") == "on"
        and kept is not None
        and kept.documents == _published_contributions()
    ):
        return time.perf_counter() - started  # a kept database keeps its analysis too
    AnalysisRun.objects.filter(parameters__bench=True).delete()
    run = AnalysisRun.objects.create(
        version=1
        + (AnalysisRun.objects.order_by("-version").values_list("version", flat=True).first() or 0),
        scope_key=scope_key(None, None),
        status=RunStatus.DONE,
        phase=RunPhase.FINALISE,
        progress=100,
        parameters={"bench": True},
        requested_by=user,
        finished_at=timezone.now(),
    )
    topics = Topic.objects.bulk_create(
        Topic(run=run, index=n, label=f"thème dégagé n° {n}", engine_label=f"thème {n}")
        for n in range(BENCH_TOPICS)
    )
    _exec(
        """
        INSERT INTO analysis_topicmembership
          (run_id, topic_id, contribution_id, chunk, weight, actor_category, territory_id)
        SELECT %(run)s, (%(topics)s::bigint[])[1 + c.id %% %(n)s], c.id, 0, 1.0,
               c.actor_category, c.territory_id
        FROM contributions_contribution c WHERE c.status = 'published'
        """,
        {"run": run.pk, "topics": [t.pk for t in topics], "n": BENCH_TOPICS},
    )
    compute_sizes_and_shares(run, [t.pk for t in topics])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (topic_id) topic_id, contribution_id FROM "
            "analysis_topicmembership WHERE run_id = %s ORDER BY topic_id, contribution_id",
            [run.pk],
        )
        firsts = cursor.fetchall()
    from contributions.models import Contribution

    bodies = dict(
        Contribution.objects.filter(pk__in=[c for _t, c in firsts]).values_list(
            "pk", "published_body"
        )
    )
    Quote.objects.bulk_create(
        Quote(topic_id=t, contribution_id=c, text=bodies[c]) for t, c in firsts
    )
    AnalysisRun.objects.filter(pk=run.pk).update(documents=_published_contributions())
    with connection.cursor() as cursor:
        # What autovacuum does after a run's bulk insert (its insert threshold): statistics,
        # and the visibility map that lets the annex count from the index alone.
        cursor.execute("VACUUM ANALYZE analysis_topicmembership")
    return time.perf_counter() - started


def _annex_csv_seconds(synthesis) -> tuple[float, int]:
    """Streams the full topic annex CSV as the view does; returns (seconds, rows)."""
    from assises.services.synthesis_topics import CSV_HEADER, topic_annex_rows
    from egts.csv_export import csv_lines

    labels = {code: t["label"] for code, t in synthesis.figures["by_theme"].items()}
    started = time.perf_counter()
    lines = sum(
        piece.count("\n")
        for piece in csv_lines(CSV_HEADER, topic_annex_rows(synthesis.figures["analysis"], labels))
    )
    return time.perf_counter() - started, lines - 1


def _peak_memory_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process: unlike wall time, not inflated by other load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(size: int, user, media: Path) -> None:
    from assises.models import Synthesis
    from assises.services import synthesis as service
    from assises.tasks import build_synthesis
    from egts.celery import app
    from tests.fixtures.celery_worker import start_worker

    loaded = _grow_to(size)
    print(
        f"\n{size:>9,} contributions, {_count('contributions_response'):,} responses "
        f"({_count('contributions_answer'):,} answers), {_count('practices_practice'):,} "
        f"practices, {_count('assises_proposal'):,} proposals — loaded in {loaded:.1f} s"
    )
    analysed = _national_analysis(user)
    print(f"  national analysis ({BENCH_TOPICS} topics) loaded in {analysed:.1f} s")
    dispatched: list[int] = []
    original = service._dispatch
    service._dispatch = lambda synthesis: dispatched.append(synthesis.pk)
    try:
        started = time.perf_counter()
        synthesis = service.synthesis_request(requested_by=user)
        figures_seconds = time.perf_counter() - started
        load = os.getloadavg()[0]
    finally:
        service._dispatch = original
    assert synthesis.figures["contributions"] == _published_contributions()

    worker = start_worker(media.parent, extra_env={"MEDIA_ROOT": str(media)})
    try:
        app.conf.task_always_eager = False
        cpu_before = _cpu_seconds(worker.process.pid)
        build_synthesis.apply_async(args=[synthesis.pk], queue=worker.queue)
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            synthesis.refresh_from_db()
            if synthesis.is_finished:
                break
            time.sleep(0.5)
        peak_kib = _peak_memory_kib(worker.process.pid)
        build_cpu = _cpu_seconds(worker.process.pid) - cpu_before
    finally:
        worker.stop()
    if synthesis.status != "done":
        print(f"  build {synthesis.status}: {synthesis.error}\n{worker.log()[-3000:]}")
        return
    pdf_seconds = (synthesis.finished_at - synthesis.started_at).total_seconds()
    pdf_bytes = (media / synthesis.pdf.name).read_bytes()
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf_bytes)).pages)
    print(f"  figures (SQL snapshot)     {figures_seconds:8.2f} s   target < 10 s")
    print(
        f"  PDF + HTML build (worker)  {pdf_seconds:8.2f} s   target < 30 s "
        f"({pages} pages, {len(pdf_bytes) // 1024} KB)"
    )
    print(f"  build CPU time (worker)    {build_cpu:8.2f} s   (load average {load:.1f})")
    print(f"  worker peak memory         {peak_kib / 1024:8.1f} MiB target < 1024 MiB")
    annex_seconds, annex_rows = _annex_csv_seconds(synthesis)
    print(f"  topic annex CSV (streamed) {annex_seconds:8.2f} s   ({annex_rows:,} rows)")
    Synthesis.objects.filter(pk=synthesis.pk).update(published=False)


def _published_contributions() -> int:
    from contributions.models import Contribution

    return Contribution.objects.published().count()


def run() -> None:
    from django.conf import settings

    from tests.factories.egts import national_team_member

    if connection.vendor != "postgresql":
        print("The synthesis benchmark needs PostgreSQL (DATABASE_URL).")
        return
    media = Path(tempfile.mkdtemp(prefix="bench-synthesis-")) / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    # A fresh address per run: with BENCH_KEEPDB the users of earlier runs are still there.
    user = national_team_member(email=f"bench-{time.time_ns()}@synthese.example")
    for size in _sizes():
        _measure(size, user, media)
