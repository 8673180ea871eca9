"""Sentry is optional: initialised from SENTRY_DSN, without personal data; off otherwise.

Settings run once per process, so each case reads them in a fresh interpreter.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

READ_CLIENT = """
import json, django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "dsn": client.dsn,
    "environment": client.options.get("environment"),
    "release": client.options.get("release"),
    "send_default_pii": client.options.get("send_default_pii"),
    "traces_sample_rate": client.options.get("traces_sample_rate"),
    "integrations": sorted(client.integrations) if client.is_active() else [],
}))
"""


def _read(**variables: str) -> dict:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "egts.settings",
        "ENV_FILE": "/dev/null",
        **variables,
    }
    result = subprocess.run(  # noqa: S603 — our own interpreter, fixed script
        [sys.executable, "-c", READ_CLIENT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_sentry_dsn_nothing_is_sent():
    assert _read()["active"] is False


def test_sentry_dsn_turns_on_django_and_celery_reports_without_personal_data():
    client = _read(
        SENTRY_DSN="https://cle-publique@sentry.egts.example/7",
        SENTRY_ENVIRONMENT="preproduction",
        SENTRY_RELEASE="egts@1.2.3",
        SENTRY_TRACES_SAMPLE_RATE="0.25",
    )

    assert client["active"] is True
    assert client["dsn"] == "https://cle-publique@sentry.egts.example/7"
    assert client["environment"] == "preproduction"
    assert client["release"] == "egts@1.2.3"
    assert client["send_default_pii"] is False
    assert client["traces_sample_rate"] == 0.25
    assert {"django", "celery"} <= set(client["integrations"])
