"""`make loadtest`: the production stack on this machine, driven by locust from another process.

1. A database of its own (egts_load), migrated, demo content plus data at scale.
2. gunicorn as in the Docker image (gthread workers: processes of several threads; DEBUG
   off, Redis cache), a Celery worker on Redis.
3. locust headless, 50 concurrent users: rounds in which the framework's ceiling (a bare
   view doing one insert and one select) is measured, then each scenario alone; then all
   scenarios mixed. Prints requests per second, p50 / p95 / p99 and errors, each round's
   figures and their median. A write scenario's ratio is against the ceiling of its own
   round, so a machine whose speed drifts between rounds does not skew it.

4. The national-scale phase (LOADTEST_NATIONAL_CONTRIBUTIONS, 2,000,000; 0 skips it):
   tests/load/national.py adds 2 million published contributions, 40,000 practices and
   200,000 responses by set-based SQL; then, after a ceiling, readers browse the lists,
   filters, search, contribution pages and catalogue while moderators publish (LOAD_PUBLISHERS,
   10, one publication a second each), then contributors submit while moderators publish.
   Prints p50 / p95 / p99, errors, publications per second and each scenario's cache hit
   ratio (X-Cache). Targets: reads p95 < 150 ms, submissions >= 50 % of the ceiling of the
   same round, >= 5 publications a second, 0 errors. LOADTEST_NATIONAL_SECONDS (60);
   LOADTEST_NATIONAL_ONLY=on runs this phase alone.

Environment: LOADTEST_USERS (50), LOADTEST_SECONDS per phase (15), LOADTEST_MIXED_SECONDS (45),
LOADTEST_ROUNDS (3), LOADTEST_WORKERS (gunicorn processes, 4), LOADTEST_THREADS (threads per
process, 4), LOADTEST_PORT (8765), LOADTEST_PAUSE (seconds of rest
between phases, 5: a phase is not measured while PostgreSQL still flushes the last one's
writes), LOADTEST_SCENARIOS (a comma-separated choice of User classes, e.g.
QuestionnaireUser,ContributionSubmitUser: those alone, no mixed phase).
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "15"))
MIXED_SECONDS = int(os.environ.get("LOADTEST_MIXED_SECONDS", "45"))
PAUSE = float(os.environ.get("LOADTEST_PAUSE", "5"))
ROUNDS = int(os.environ.get("LOADTEST_ROUNDS", "3"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", "4"))
THREADS = int(os.environ.get("LOADTEST_THREADS", "4"))
PORT = int(os.environ.get("LOADTEST_PORT", "8765"))
PG = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
HOST = f"http://127.0.0.1:{PORT}"
NATIONAL = int(os.environ.get("LOADTEST_NATIONAL_CONTRIBUTIONS", "2000000"))
NATIONAL_SECONDS = int(os.environ.get("LOADTEST_NATIONAL_SECONDS", "60"))
PUBLISHERS = int(os.environ.get("LOAD_PUBLISHERS", "10"))
NATIONAL_ONLY = os.environ.get("LOADTEST_NATIONAL_ONLY", "") in ("1", "on", "true")
OUT = Path(os.environ.get("LOADTEST_OUT", "/tmp/egts-loadtest"))

# The writes first, right after their round's ceiling.
SCENARIOS = [
    ("QuestionnaireUser", "questionnaire (anonymous)", "write"),
    ("ContributionSubmitUser", "contribution (signed in)", "write"),
    ("VoteUser", "vote (signed in)", "write"),
    ("HomeUser", "home", "read"),
    ("DemarcheUser", "démarche", "read"),
    ("ContributionSearchUser", "contributions search", "read"),
    ("PracticeUser", "practice page", "read"),
]
CHOSEN = [name for name in os.environ.get("LOADTEST_SCENARIOS", "").split(",") if name]
if CHOSEN:
    SCENARIOS = [scenario for scenario in SCENARIOS if scenario[0] in CHOSEN]


def stack_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/egts_load",
        "REDIS_URL": f"{REDIS}/0",
        "CACHE_URL": f"{REDIS}/3",
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "off",
        "SECURE_HSTS_SECONDS": "0",
        "EGTS_RATE_LIMITS": "off",
        "EGTS_LOAD_PROBE": "on",
        "AXES_FAILURE_LIMIT": "1000",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(OUT / "static"),
        "MEDIA_ROOT": str(OUT / "media"),
    }


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)  # noqa: S603


def prepare(env: dict) -> dict:
    print("Preparing the database egts_load (migrate, demo content, data at scale)…", flush=True)
    subprocess.run(
        ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", "egts_load"], check=True
    )  # noqa: S603, S607
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "egts_load"], check=True)  # noqa: S603, S607
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    run([PY, "manage.py", "seed_demo", "--force"], env, stdout=subprocess.DEVNULL)
    result = run([PY, "-m", "tests.load.prepare", str(USERS)], env, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def wait_for(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


def locust(
    user_classes: list[str], seconds: int, prefix: str, env: dict, users: int | None = None
) -> list[dict]:
    time.sleep(PAUSE)
    users = users or USERS
    csv_prefix = OUT / prefix
    cmd = [
        PY,
        "-m",
        "locust",
        "-f",
        str(ROOT / "tests/load/locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--host",
        HOST,
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *user_classes,
    ]
    subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        check=False,  # noqa: S603 — fixed argv
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]


def fmt(row: dict, ceiling_rps: float | None = None) -> str:
    rps = float(row["Requests/s"])
    ratio = f"{rps / ceiling_rps:6.0%}" if ceiling_rps else "     -"
    return (
        f"{row['Name']:<28} {int(row['Request Count']):>7} {int(row['Failure Count']):>6} "
        f"{rps:>8.1f} {ratio} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
    )


HEADER = (
    f"{'scenario':<28} {'requests':>7} {'errors':>6} {'req/s':>8} {'ceil.':>6} "
    f"{'p50':>6} {'p95':>6} {'p99':>6}"
)


def national_phase(env: dict, load_env: dict) -> list[tuple[str, bool]]:
    """Two million contributions, read while moderators publish (see the module's docstring)."""
    print(f"\nNational-scale phase: loading {NATIONAL:,} published contributions…", flush=True)
    result = run(
        [PY, "-m", "tests.load.national", str(PUBLISHERS)], env, capture_output=True, text=True
    )
    print(result.stderr.strip().splitlines()[-1], flush=True)
    national_env = {
        **load_env,
        "LOAD_NATIONAL": result.stdout.strip().splitlines()[-1],
        "LOAD_PUBLISHERS": str(PUBLISHERS),
    }
    print(HEADER)
    ceiling = locust(["CeilingUser"], SECONDS, "national-ceiling", national_env)[0]
    ceiling_rps = float(ceiling["Requests/s"])
    print(fmt(ceiling, ceiling_rps), flush=True)
    cache_file = OUT / "national-cache.json"
    reading = locust(
        ["NationalReaderUser", "PublisherUser"],
        NATIONAL_SECONDS,
        "national-read",
        {**national_env, "LOAD_CACHE_OUT": str(cache_file)},
        users=USERS + PUBLISHERS,
    )
    hits = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    for row in sorted(reading, key=lambda r: r["Name"]):
        counted = hits.get(row["Name"], {})
        seen = sum(counted.values())
        ratio = f"  cache hits {counted.get('hit', 0) / seen:5.0%}" if seen else ""
        print(fmt(row) + ratio, flush=True)
    # The reading phase published the first pending ids: the writing phase goes on after them.
    national = json.loads(national_env["LOAD_NATIONAL"])
    used = sum(int(r["Request Count"]) for r in reading if r["Name"].startswith("publication"))
    national["pending"] = national["pending"][used:]
    writing = locust(
        ["ContributionSubmitUser", "PublisherUser"],
        SECONDS,
        "national-write",
        {**national_env, "LOAD_NATIONAL": json.dumps(national)},
        users=USERS + PUBLISHERS,
    )
    for row in writing:
        print(fmt(row, ceiling_rps), flush=True)
    reads = [r for r in reading if not r["Name"].startswith("publication")]
    publications = [r for r in reading + writing if r["Name"].startswith("publication")]
    submissions = [r for r in writing if not r["Name"].startswith("publication")]
    errors = sum(int(r["Failure Count"]) for r in reading + writing)
    published_rate = min((float(r["Requests/s"]) for r in publications), default=0.0)
    return [
        (
            "national: reads p95 < 150 ms",
            bool(reads) and max(float(r["95%"]) for r in reads) < 150,
        ),
        (
            "national: submissions ≥ 50 % of the ceiling, while publishing",
            bool(submissions) and float(submissions[0]["Requests/s"]) / ceiling_rps >= 0.5,
        ),
        (f"national: ≥ 5 publications a second ({published_rate:.1f})", published_rate >= 5),
        ("national: zero errors", errors == 0),
    ]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    env = stack_env()
    data = prepare(env)
    load_env = {
        **os.environ,
        "LOAD_TOKENS": json.dumps(data["tokens"]),
        "LOAD_PRACTICE_IDS": json.dumps(data["practice_ids"]),
        "LOAD_STATEMENT_IDS": json.dumps(data["statement_ids"]),
        "LOAD_QUESTIONS": json.dumps(data["questions"]),
        "LOAD_QUESTIONNAIRE": data["questionnaire"],
    }
    processes = [
        subprocess.Popen(  # noqa: S603 — fixed argv
            [
                PY,
                "-m",
                "gunicorn",
                "egts.wsgi:application",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                str(WORKERS),
                "--worker-class",
                "gthread",
                "--threads",
                str(THREADS),
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                str(OUT / "gunicorn.log"),
            ],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(  # noqa: S603 — fixed argv
            [
                PY,
                "-m",
                "celery",
                "-A",
                "egts",
                "worker",
                "--concurrency",
                "1",
                "-l",
                "WARNING",
                "--logfile",
                str(OUT / "worker.log"),
            ],
            cwd=ROOT,
            env=env,
        ),
    ]
    try:
        wait_for(f"{HOST}/health/")
        print(
            f"Stack up: gunicorn ({WORKERS} processes of {THREADS} threads), Celery worker, "
            f"PostgreSQL, Redis. {USERS} concurrent users, {ROUNDS} rounds of {SECONDS} s per "
            f"scenario, {MIXED_SECONDS} s mixed.\n",
            flush=True,
        )
        if NATIONAL_ONLY:
            verdicts = national_phase(env, load_env)
            print("\nTargets:")
            for label, ok in verdicts:
                print(f"  [{'ok' if ok else 'MISSED'}] {label}")
            return 0
        rounds = []
        for number in range(1, ROUNDS + 1):
            print(f"Round {number} of {ROUNDS}: the ceiling, then each scenario alone.")
            print(HEADER)
            ceiling = locust(["CeilingUser"], SECONDS, f"r{number}-ceiling", load_env)[0]
            ceiling_rps = float(ceiling["Requests/s"])
            print(fmt(ceiling, ceiling_rps), flush=True)
            alone = {}
            for user_class, name, _kind in SCENARIOS:
                rows = locust([user_class], SECONDS, f"r{number}-{user_class}", load_env)
                alone[name] = rows[0]
                print(fmt(rows[0], ceiling_rps), flush=True)
            rounds.append((ceiling_rps, alone))
            print()
        summary = {}
        print(f"Median of the {ROUNDS} rounds (ratio: median of each round's own ratio):")
        print(
            f"{'scenario':<28} {'errors':>6} {'req/s':>8} {'ceil.':>6} "
            f"{'p50':>6} {'p95':>6} {'p99':>6}"
        )
        print(f"{'ceiling':<28} {'':>6} {median(c for c, _ in rounds):>8.1f}")
        for _cls, name, _kind in SCENARIOS:
            rows = [alone[name] for _c, alone in rounds]
            summary[name] = {
                "errors": sum(int(row["Failure Count"]) for row in rows),
                "rps": median(float(row["Requests/s"]) for row in rows),
                "ratio": median(float(a[name]["Requests/s"]) / c for c, a in rounds),
                **{p: median(float(row[p]) for row in rows) for p in ("50%", "95%", "99%")},
            }
            row = summary[name]
            print(
                f"{name:<28} {row['errors']:>6} {row['rps']:>8.1f} {row['ratio']:>6.0%} "
                f"{row['50%']:>6.0f} {row['95%']:>6.0f} {row['99%']:>6.0f}"
            )
        mixed = []
        if not CHOSEN:
            print("\nAll scenarios mixed (MixedUser):")
            print(HEADER)
            mixed = locust(["MixedUser"], MIXED_SECONDS, "mixed", load_env)
            for row in sorted(mixed, key=lambda r: r["Name"]):
                print(fmt(row))
        errors = sum(r["errors"] for r in summary.values())
        errors += sum(int(r["Failure Count"]) for r in mixed)
        verdicts = []
        for _cls, name, kind in SCENARIOS:
            row = summary[name]
            if kind == "read":
                verdicts.append((f"p95 {name} < 100 ms (median of rounds)", row["95%"] < 100))
            else:
                verdicts.append(
                    (f"{name} ≥ 50 % of its round's ceiling (median)", row["ratio"] >= 0.5)
                )
        verdicts.append(("zero errors", errors == 0))
        if NATIONAL > 0 and not CHOSEN:
            verdicts += national_phase(env, load_env)
        print("\nTargets:")
        for label, ok in verdicts:
            print(f"  [{'ok' if ok else 'MISSED'}] {label}")
        return 0
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
