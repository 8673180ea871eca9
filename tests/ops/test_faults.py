"""Faults with the real services stopped: PostgreSQL or Redis goes away under the platform.

Each test runs gunicorn with production settings against a private PostgreSQL cluster
and a private Redis server (tests/fixtures/services.py), then stops one of them. Redis is
both the Celery broker and the cache, as in production (.env.example).
"""

import base64
import hashlib
import json
import re
import urllib.request

import pytest

from tests.fixtures.services import AppServer, PrivatePostgres, PrivateRedis

# Under pytest-xdist the whole module goes to one process (WHOLE_MODULES in tests/conftest.py).
pytestmark = pytest.mark.faults


# Run in the platform's own database: a participant with an API token, an open questionnaire.
CREATE_FIXTURES = """
import json
from rest_framework.authtoken.models import Token
from tests.factories.contributions import build_questionnaire
from tests.factories.egts import UserFactory, national_team_member
user = UserFactory(email="panne@exemple.fr")
national = national_team_member(email="equipe.panne@exemple.fr")
questionnaire = build_questionnaire(slug="panne")
single = questionnaire.questions.get(kind="single")
scale = questionnaire.questions.get(kind="scale")
answers = [
    {{"question": single.id, "choice": single.choices.get(label="Non").id}},
    {{"question": scale.id, "value": 3}},
]
with open("{out}", "w") as out:
    json.dump(
        {{
            "token": Token.objects.create(user=user).key,
            "national_token": Token.objects.create(user=national).key,
            "answers": answers,
        }},
        out,
    )
"""

CONTRIBUTION = {
    "kind": "proposal",
    "title": "Un référent de parcours",
    "body": "Chaque personne devrait avoir un référent unique qui coordonne son parcours.",
    "themes": ["T4"],
    "policies": ["P1"],
    "department": "13",
    "actor_category": "professionnels",
}


def post_json(app, path: str, payload: dict, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    return app.request("POST", path, data=json.dumps(payload).encode(), headers=headers)


def count(app, model: str) -> int:
    """Rows in the platform's database, counted by the ORM in a process of its own."""
    out = app.workdir / "count.txt"
    app.manage(
        "shell",
        "-c",
        f"from django.apps import apps; open('{out}', 'w').write("
        f"str(apps.get_model('{model}').objects.count()))",
    )
    return int(out.read_text())


@pytest.fixture(scope="module")
def stack(tmp_path_factory, collected_static):
    workdir = tmp_path_factory.mktemp("faults")
    postgres, redis = PrivatePostgres(workdir), PrivateRedis(workdir)
    postgres.start()
    redis.start()
    app = AppServer(
        workdir,
        database_url=postgres.url,
        redis_url=redis.url,
        static_root=collected_static,
        extra_env={"CACHE_URL": f"rediscache://127.0.0.1:{redis.port}/1"},
    )
    app.manage("migrate", "--noinput", "-v0")
    fixtures = workdir / "fixtures.json"
    app.manage("shell", "-c", CREATE_FIXTURES.format(out=fixtures))
    app.start()
    yield {"app": app, "postgres": postgres, "redis": redis, **json.loads(fixtures.read_text())}
    app.stop()
    redis.stop()
    postgres.remove()


def test_health_is_ok_when_every_service_runs(stack):
    status, body, _headers = stack["app"].get("/health/")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_every_file_a_page_links_is_collected_and_served(stack):
    """collectstatic leaves out DSFR's unlinked builds (egts/staticfiles.py): what
    the pages do link must still be there, under its hashed name, compressed."""
    app = stack["app"]
    linked = set()
    for path in ("/", "/contributions/", "/compte/login/", "/api/v1/docs/"):
        status, page, _ = app.get(path)
        assert status == 200, path
        linked |= set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page))
    assert any("/css/dsfr." in url for url in linked), linked
    assert any("dsfr.module.min." in url for url in linked), linked
    assert any("swagger-ui-bundle." in url for url in linked), linked
    for url in sorted(linked):
        status, _body, headers = app.get(url, headers={"Accept-Encoding": "br"})
        assert status == 200, url
        assert re.search(r"\.[0-9a-f]{12}\.", url), f"{url} is not the hashed name"
        if url.endswith((".css", ".js")):
            assert headers.get("Content-Encoding") == "br", url


def test_in_production_every_integrity_hash_matches_the_served_file_and_the_css_applies(
    stack, browser
):
    """collectstatic rewrites the url()s of a stylesheet: a hash computed for DSFR's own
    file then fails, and the browser refuses the CSS (django-dsfr's dsfr_css did so)."""
    app = stack["app"]
    status, page, _ = app.get("/")
    assert status == 200
    tags = re.findall(r"<(?:link|script)\b[^>]*>", page)
    assert any("stylesheet" in tag and "/css/dsfr." in tag for tag in tags), tags
    checked = 0
    for tag in tags:
        integrity = re.search(r'integrity="(sha\d+)-([^"]+)"', tag)
        if not integrity:
            continue
        url = re.search(r'(?:href|src)="([^"]+)"', tag).group(1)
        with urllib.request.urlopen(app.url + url, timeout=15) as response:  # noqa: S310
            body = response.read()
        digest = base64.b64encode(hashlib.new(integrity.group(1), body).digest()).decode()
        assert digest == integrity.group(2), url
        checked += 1
    assert checked, "no script checked: the DSFR's carry their hash"
    context = browser.new_context(base_url=app.url)
    try:
        tab = context.new_page()
        refused = []
        tab.on("console", lambda message: refused.append(message.text))
        tab.goto("/")
        tab.wait_for_load_state("networkidle")
        styles = tab.evaluate(
            """() => ({
              font: getComputedStyle(document.body).fontFamily,
              container: getComputedStyle(document.querySelector(".fr-container")).maxWidth,
              fonts: [...document.fonts].filter((f) => f.status === "loaded").length,
            })"""
        )
    finally:
        context.close()
    assert [text for text in refused if "integrity" in text] == []
    assert styles["font"].startswith("Marianne"), styles
    assert styles["container"] != "none", styles
    assert styles["fonts"] > 0, styles


def test_redis_down_health_names_the_broker_and_pages_still_answer(stack):
    app, redis = stack["app"], stack["redis"]
    redis.stop()
    try:
        status, body, _headers = app.get("/health/")
        assert status == 503
        assert json.loads(body)["checks"] == {"database": "ok", "broker": "down"}
        # The cache is Redis too: pages are served uncached rather than failing.
        for path in ("/", "/la-demarche/", "/contributions/", "/questionnaires/"):
            page_status, page, _ = app.get(path)
            assert page_status == 200, path
            assert "fr-header" in page
    finally:
        redis.start()
    assert app.get("/health/")[0] == 200


def test_redis_down_contributions_and_questionnaire_answers_are_still_saved(stack):
    app, redis = stack["app"], stack["redis"]
    contributions_before = count(app, "contributions.Contribution")
    responses_before = count(app, "contributions.Response")
    redis.stop()
    try:
        status, body, _ = post_json(app, "/api/v1/contributions/", CONTRIBUTION, stack["token"])
        assert status == 201, body
        assert json.loads(body)["status"] == "pending"
        status, body, _ = post_json(
            app,
            "/api/v1/questionnaires/panne/responses/",
            {"actor_category": "usagers", "department": "13", "answers": stack["answers"]},
        )
        assert status == 201, body
    finally:
        redis.start()
    # Nothing lost: both rows are in PostgreSQL once Redis is back, nothing twice.
    assert count(app, "contributions.Contribution") == contributions_before + 1
    assert count(app, "contributions.Response") == responses_before + 1
    # The screening the broker never received (spaCy's names, near-copies): beat's sweep
    # does it once Redis is back (its five minutes' grace shortened here).
    checks_before = count(app, "analysis.ModerationCheck")
    swept = app.workdir / "swept.txt"
    app.manage(
        "shell",
        "-c",
        "import datetime; from contributions import tasks; "
        "tasks.SWEEP_AFTER = datetime.timedelta(0); "
        f"open('{swept}', 'w').write(str(tasks.screen_unscreened()))",
    )
    assert int(swept.read_text()) >= 1
    assert count(app, "analysis.ModerationCheck") == checks_before + int(swept.read_text())


def test_redis_down_a_synthesis_request_is_refused_with_a_503_and_nothing_is_recorded(stack):
    app, redis = stack["app"], stack["redis"]
    redis.stop()
    try:
        status, body, headers = post_json(app, "/api/v1/syntheses/", {}, stack["national_token"])
        assert status == 503, body
        assert headers["Retry-After"] == "60"
        assert "momentanément injoignable" in json.loads(body)["detail"]
    finally:
        redis.start()
    assert count(app, "assises.Synthesis") == 0
    # Once Redis is back, the same request is queued.
    status, body, _ = post_json(app, "/api/v1/syntheses/", {}, stack["national_token"])
    assert status == 202, body
    assert json.loads(body)["status"] == "queued"
    assert count(app, "assises.Synthesis") == 1


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
