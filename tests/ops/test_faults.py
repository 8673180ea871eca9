"""Faults with the real services stopped: PostgreSQL or Redis goes away under the platform.

Each test runs gunicorn with production settings against a private PostgreSQL cluster
and a private Redis server (tests/fixtures/services.py), then stops one of them.
"""

import json

import pytest

from tests.fixtures.services import AppServer, PrivatePostgres, PrivateRedis

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("faults")
    postgres, redis = PrivatePostgres(workdir), PrivateRedis(workdir)
    postgres.start()
    redis.start()
    app = AppServer(workdir, database_url=postgres.url, redis_url=redis.url)
    app.manage("migrate", "--noinput", "-v0")
    app.manage("collectstatic", "--noinput", "-v0")
    app.start()
    yield {"app": app, "postgres": postgres, "redis": redis}
    app.stop()
    redis.stop()
    postgres.remove()


def test_health_is_ok_when_every_service_runs(stack):
    status, body, _headers = stack["app"].get("/health/")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_redis_down_health_names_the_broker_and_pages_still_answer(stack):
    app, redis = stack["app"], stack["redis"]
    redis.stop()
    try:
        status, body, _headers = app.get("/health/")
        assert status == 503
        assert json.loads(body)["checks"] == {"database": "ok", "broker": "down"}
        page_status, page, _ = app.get("/")
        assert page_status == 200
        assert "fr-header" in page
    finally:
        redis.start()
    assert app.get("/health/")[0] == 200


def test_postgres_down_pages_answer_a_dsfr_503_and_health_503(stack):
    app, postgres = stack["app"], stack["postgres"]
    postgres.stop()
    try:
        status, page, _headers = app.get("/la-demarche/")
        assert status == 503
        assert "fr-header" in page and "fr-footer" in page
        assert "Traceback" not in page
        assert "momentanément indisponible" in page
        health_status, body, _ = app.get("/health/")
        assert health_status == 503
        assert json.loads(body)["checks"]["database"] == "down"
        api_status, api_body, api_headers = app.get("/api/v1/themes/")
        assert api_status == 503
        assert api_headers["Content-Type"].startswith("application/json")
        assert "indisponible" in json.loads(api_body)["detail"]
    finally:
        postgres.start()
    assert app.get("/health/")[0] == 200
