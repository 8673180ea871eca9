"""Serving a page never imports the text-analysis libraries: importing spaCy's French
language data takes seconds, which every web process paid on its first request (a browser
test timed out on it) when a module imported at URL loading read spaCy's stop words."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("spacy", "sklearn", "thinc")


def test_loading_the_urls_imports_no_text_analysis_library():
    code = (
        "import sys, django; django.setup(); import egts.urls; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(  # noqa: S603 — fixed argv
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "egts.settings",
        },
    )
    assert result.stdout.strip() == "", result.stdout
