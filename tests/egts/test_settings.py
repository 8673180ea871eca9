"""egts/settings.py in fresh processes with a controlled environment.

Settings are read once per process, so each case runs Python in a subprocess with
only the variables it names (plus PATH), and an empty ENV_FILE so that a developer's
.env cannot leak in.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DUMP = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "NAME": str(s.DATABASES["default"]["NAME"]),
    "CONN_MAX_AGE": s.DATABASES["default"].get("CONN_MAX_AGE"),
    "CELERY_BROKER_URL": s.CELERY_BROKER_URL,
    "CELERY_TASK_ALWAYS_EAGER": s.CELERY_TASK_ALWAYS_EAGER,
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "EMAIL_DELIVERY_BACKEND": s.EMAIL_DELIVERY_BACKEND,
    "EMAIL_HOST": getattr(s, "EMAIL_HOST", None),
    "EMAIL_PORT": getattr(s, "EMAIL_PORT", None),
    "EMAIL_USE_TLS": getattr(s, "EMAIL_USE_TLS", None),
    "DEFAULT_FROM_EMAIL": s.DEFAULT_FROM_EMAIL,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "SITE_URL": s.SITE_URL,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "LOG_FORMAT": s.LOG_FORMAT,
}))
"""


@pytest.fixture
def run(tmp_path):
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")

    def run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "egts.settings",
            "ENV_FILE": str(empty_env_file),
            **variables,
        }
        return subprocess.run(  # noqa: S603 — fixed argv, our own interpreter
            [sys.executable, *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def _production(**extra: str) -> dict[str, str]:
    return {
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "egts.example",
        **extra,
    }


def _settings(run, **variables: str) -> dict:
    result = run(["-c", DUMP], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_environment_development_defaults_apply(run):
    values = _settings(run)

    assert values["DEBUG"] is True
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"] == str(ROOT / "db.sqlite3")
    assert values["CELERY_BROKER_URL"] == ""
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    # Every mail goes through the task queue (eager here), then to the console.
    assert values["EMAIL_BACKEND"] == "egts.mail.QueuedEmailBackend"
    assert values["EMAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["DEFAULT_FROM_EMAIL"] == "EGTS <ne-pas-repondre@egts.example>"
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert values["CSRF_TRUSTED_ORIGINS"] == []
    assert values["SITE_URL"] == "http://127.0.0.1:8000"
    assert values["LOG_FORMAT"] == "plain"


def test_production_environment_switches_every_service(run):
    values = _settings(
        run,
        **_production(
            DATABASE_URL="postgres://egts:secret@db:5432/egts",
            REDIS_URL="redis://redis:6379/0",
            EMAIL_URL="smtp+tls://relay:motdepasse@smtp.egts.example:587",
            DEFAULT_FROM_EMAIL="EGTS <contact@egts.example>",
            ALLOWED_HOSTS="egts.example,www.egts.example",
            CSRF_TRUSTED_ORIGINS="https://egts.example,https://www.egts.example",
            SITE_URL="https://egts.example",
        ),
    )

    assert values["DEBUG"] is False
    assert (values["ENGINE"], values["NAME"], values["CONN_MAX_AGE"]) == (
        "django.db.backends.postgresql",
        "egts",
        60,
    )
    assert values["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["EMAIL_BACKEND"] == "egts.mail.QueuedEmailBackend"
    assert values["EMAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == (
        "smtp.egts.example",
        587,
        True,
    )
    assert values["DEFAULT_FROM_EMAIL"] == "EGTS <contact@egts.example>"
    assert values["ALLOWED_HOSTS"] == ["egts.example", "www.egts.example"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://egts.example", "https://www.egts.example"]
    assert values["SITE_URL"] == "https://egts.example"
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["LOG_FORMAT"] == "json"


def test_celery_broker_url_wins_over_redis_url(run):
    values = _settings(
        run, REDIS_URL="redis://redis:6379/0", CELERY_BROKER_URL="redis://broker:6379/2"
    )

    assert values["CELERY_BROKER_URL"] == "redis://broker:6379/2"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False


@pytest.mark.parametrize(
    "secret_key",
    [
        None,
        "django-insecure-development-only-never-use-in-production",
        "trop-court",
        "a" * 64,
    ],
    ids=["missing", "development-key", "short", "not-random"],
)
def test_debug_off_refuses_to_start_without_a_real_secret_key(run, secret_key):
    variables = {"DEBUG": "off", "ALLOWED_HOSTS": "egts.example"}
    if secret_key is not None:
        variables["SECRET_KEY"] = secret_key

    result = run(["manage.py", "check"], **variables)

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_deploy_check_reports_nothing_with_a_production_environment(run):
    # Exactly what `make lint` runs.
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **_production())

    assert result.stderr == ""
    assert result.returncode == 0
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = "".join(p.read_text() for p in sorted(ROOT.glob("egts/settings*.py")))
    example = (ROOT / ".env.example").read_text()
    documented = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in example.splitlines()
        if "=" in line and line.lstrip("# ")[:1].isupper()
    }
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))

    # ENV_FILE says where the .env file is: it cannot be set inside that file.
    assert read - {"ENV_FILE"} <= documented, sorted(read - documented)
    assert "DATABASE_URL" in read and "REDIS_URL" in read


def test_docker_compose_runs_the_whole_stack():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    assert set(services) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    assert services["db"]["healthcheck"]["test"] == ["CMD-SHELL", "pg_isready -U egts -d egts"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    assert " ".join(services["web"]["command"]).startswith(
        "sh -c exec gunicorn egts.wsgi:application --bind 0.0.0.0:8000 --workers"
    )
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert "/health/" in services["web"]["healthcheck"]["test"][-1]
    assert services["worker"]["command"] == [
        "celery", "-A", "egts", "worker", "-l", "info", "--concurrency", "2",
    ]  # fmt: skip
    assert services["beat"]["command"][:5] == ["celery", "-A", "egts", "beat", "-l"]
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["build"] == "."
        assert services[name]["env_file"] == ".env"
        assert services[name]["volumes"] == ["media:/app/media"]
    assert set(compose["volumes"]) == {"postgres-data", "redis-data", "media"}


def test_dockerfile_builds_a_non_root_gunicorn_image_from_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert dockerfile.startswith("# ") and "FROM python:3.11-slim-bookworm\n" in dockerfile
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu"):
        assert package in dockerfile
    assert "pip install --constraint requirements.lock ." in dockerfile
    assert "python manage.py collectstatic --noinput" in dockerfile
    assert "\nUSER egts\n" in dockerfile
    assert (
        "gunicorn egts.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3}"
        " --worker-class gthread --threads ${WEB_THREADS:-4}" in dockerfile
    )
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "db.sqlite3", "media"} <= set(ignored)


def test_readme_documents_every_environment_variable():
    readme = (ROOT / "README.md").read_text()
    settings_source = "".join(p.read_text() for p in sorted(ROOT.glob("egts/settings*.py")))
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))

    missing = sorted(name for name in read if f"`{name}`" not in readme)
    assert missing == []


def test_env_file_fills_in_what_the_environment_leaves_unset(run, tmp_path):
    env_file = tmp_path / "egts.env"
    env_file.write_text("SITE_URL=https://depuis-le-fichier.example\nLOG_FORMAT=json\n")

    values = _settings(run, ENV_FILE=str(env_file), LOG_FORMAT="plain")

    assert values["SITE_URL"] == "https://depuis-le-fichier.example"
    # The real environment wins over the file.
    assert values["LOG_FORMAT"] == "plain"
