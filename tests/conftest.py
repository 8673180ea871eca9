"""Test isolation: media in a temporary folder, mail in memory, a clean cache, eager Celery.

Tests that need a real worker use the ``celery_worker_process`` fixture; browser
journeys use ``page`` (Debian's Chromium through Playwright) and ``assert_accessible``.
"""

import os

import pytest
from django.core.cache import cache

from egts.celery import app as celery_app

# Playwright's sync API runs an event loop in the test thread; the ORM calls that
# tests make beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.celery_worker",
    "tests.fixtures.static",
]


def pytest_runtest_setup(item):
    """`@pytest.mark.postgres` tests fail, rather than skip, on another database: a skip
    would hide that full-text search or row locks went untested."""
    if item.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL (make test does).")


# Modules whose tests share a fixture too costly to build in every process: under
# pytest-xdist (make test), each goes whole to one process.
WHOLE_MODULES = (
    "tests/ops/test_faults.py",
    "tests/ops/test_login_faults.py",
    "tests/contributions/test_explain.py",
    # One topic model fitted on the labelled corpus (about a minute) serves the module.
    "tests/analysis/engine/test_quality.py",
    # Its module fixture holds the demo content in an open transaction: a test of another
    # module run in between would see it.
    "tests/api/test_schema_fuzz.py",
)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Tests are dealt one at a time in collection order, as ``--dist load`` does: pytest-django
    sorts that order so the tests that flush the database (transactional ones) come after
    those that read the reference rows the migrations loaded. Only WHOLE_MODULES are dealt
    as one unit. (``--dist loadgroup`` would do this with a mark, but it does not group under
    pytest 9.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in WHOLE_MODULES else nodeid

    return Scheduling(config, log)


@pytest.fixture
def throttle_rates(settings):
    """Sets rates of egts/ratelimit.py, e.g. ``throttle_rates(contribution_submit="2/hour")``."""

    def set_rates(**rates):
        drf = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **drf,
            "DEFAULT_THROTTLE_RATES": {**drf["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Factories set a password on every account, and the production hasher (PBKDF2) is
    # slow on purpose: at half a second an account, it would be most of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    # What each process holds in memory too: a test's rolled-back rows must not outlive it.
    from contributions.services import forget_questionnaires
    from egts import reference
    from egts.cache import forget_local_pages

    reference.forget()
    forget_questionnaires()
    forget_local_pages()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_rows(request):
    """A transactional test flushes the database when it ends, the rows the data migrations
    loaded included (reference data, the nine assises), and serialized_rollback does not
    bring them back under pytest-django here: every transactional test starts with them,
    whichever test ran before it in its process (tests/contributions/test_write_path.py
    failed after any browser journey, a proposal's page after another journey)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    from assises.models import Assise
    from egts.models import Department, Territory

    if not Department.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    if Assise.objects.count() != Territory.objects.count():  # the nine assises, loaded likewise
        import_module("assises.migrations.0002_assises_for_territories").create_assises(apps, None)


@pytest.fixture(autouse=True)
def _reset_axes():
    from axes.handlers.proxy import AxesProxyHandler

    yield
    try:
        AxesProxyHandler.reset_attempts()
    except Exception:  # noqa: S110 — nothing to reset without database access
        pass
