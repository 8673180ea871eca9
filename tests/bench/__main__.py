"""`make bench`: runs every tests/bench/bench_*.py module's `run()` on the configured database.

Each benchmark builds its data in a database of its own (``<name>_bench``), prints its
figures, and drops that database at the end, so it never touches development data.
Run one with ``python -m tests.bench questionnaire``.

The benchmarks run in Django's test environment (``setup_test_environment``: the test
client's host is allowed, mail goes to memory), as the tests do. ``BENCH_KEEPDB=on`` keeps
the bench database between runs, so that a 2-million-row load is paid once; each benchmark
then adds only what is missing.
"""

import importlib
import os
import pkgutil
import sys
import time

import django


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egts.settings")
    django.setup()
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    import tests.bench as package

    wanted = set(argv)
    names = sorted(
        name.removeprefix("bench_")
        for _finder, name, _ispkg in pkgutil.iter_modules(package.__path__)
        if name.startswith("bench_")
    )
    selected = [n for n in names if not wanted or n in wanted]
    if not selected:
        print(f"No benchmark matches {sorted(wanted)}; available: {names}")
        return 1
    from django.db import connection

    print(f"Database: {connection.vendor} — benchmarks: {', '.join(selected)}")
    keepdb = os.environ.get("BENCH_KEEPDB", "off").lower() in {"1", "on", "true", "yes"}
    setup_test_environment(debug=False)
    # serialized_aliases=set(): a kept 2-million-row database is never serialized to memory.
    old_config = setup_databases(
        verbosity=0, interactive=False, keepdb=keepdb, serialized_aliases=set()
    )
    try:
        for name in selected:
            module = importlib.import_module(f"tests.bench.bench_{name}")
            print(f"\n== {name} ==")
            started = time.perf_counter()
            module.run()
            print(f"-- {name} done in {time.perf_counter() - started:.1f} s")
    finally:
        if not keepdb:
            teardown_databases(old_config, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
