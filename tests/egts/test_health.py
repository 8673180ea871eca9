"""/health/: 200 when the database and the broker answer, 503 naming the part that failed."""

import os
import socket
import time

import pytest
from django.db import OperationalError, connection

from egts.celery import app as celery_app

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture
def broker():
    """Points the Celery app at a broker for one test, and puts everything back."""
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)

    def use(url: str) -> None:
        celery_app.conf.broker_url = url
        celery_app.conf.task_always_eager = False

    yield use
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous


def _closed_port() -> int:
    """A local port nobody listens on: bound then released, so connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _require_redis():
    if not REDIS_URL or not _redis_reachable():
        message = f"Redis is not reachable at {REDIS_URL or '(REDIS_URL unset)'}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_healthy_platform_answers_200_with_each_check(client, broker):
    _require_redis()
    broker(REDIS_URL)

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_unreachable_broker_answers_503_naming_the_broker(client, broker):
    broker(f"redis://127.0.0.1:{_closed_port()}/0")

    started = time.monotonic()
    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "broker": "down"}}
    # A health probe must answer within the load balancer's patience.
    assert time.monotonic() - started < 5


def test_unreachable_database_answers_503_naming_the_database(client, broker, monkeypatch):
    _require_redis()
    broker(REDIS_URL)

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "down", "broker": "ok"}}


def test_without_a_broker_tasks_run_eagerly_and_the_platform_is_healthy(client):
    # tests/conftest.py runs Celery eagerly, as `make run` does without REDIS_URL.
    assert celery_app.conf.task_always_eager is True

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "eager"}}


def test_health_is_never_cached(client):
    response = client.get("/health/")

    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_health_only_answers_reads(client):
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405
