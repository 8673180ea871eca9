"""The search shared by contributions, practices and documents, and its SQLite twin (make run).

The SQLite checks run in a subprocess on a real SQLite database, migrated as ``make run``
migrates it: the suite's own database is PostgreSQL.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contributions.models import Contribution
from documents.models import Document
from egts.search import search_words
from practices.models import Practice
from tests.factories.practices import PracticeFactory

ROOT = Path(__file__).resolve().parents[2]

QUERIES = ["référent", "referent", "REFERENTS", "référente", "Référents famille", "le référent"]

SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from tests.factories.practices import PracticeFactory
from practices.models import Practice
from contributions.models import Contribution
from tests.factories.contributions import ContributionFactory
PracticeFactory(title="Un référent unique pour les familles", status="published")
PracticeFactory(title="Accueil de jour", summary="Sans rendez-vous.", status="published")
ContributionFactory(title="Coordination locale", published_body="Du temps partagé.")
ContributionFactory(title="Coordination", published_body="Rien d'autre.")
queries = json.loads(%r)
print(json.dumps({
    "vendor": connection.vendor,
    "practices": {q: sorted(p.title for p in Practice.objects.search(q)) for q in queries},
    "both_words": [c.title for c in Contribution.objects.search("coordination TEMPS")],
    "blank": Contribution.objects.search("  ").count(),
    "other": [p.title for p in Practice.objects.search("jours")],
}))
"""


def test_search_words_fold_accents_case_and_plurals_like_postgresql():
    assert search_words("Les RÉFÉRENTS sociaux") == search_words("le referent social")
    assert search_words("l'accompagnement des familles") == ["accompagn", "famill"]


def test_each_model_names_the_fields_it_searches():
    assert Contribution.objects.all().search_fields == ("title", "published_body")
    assert "organisation" in Practice.objects.all().search_fields
    assert "author" in Document.objects.all().search_fields


def test_sqlite_default_searches_like_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'search.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "egts.settings"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT % json.dumps(QUERIES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["vendor"] == "sqlite"
    for query in QUERIES:
        assert found["practices"][query] == ["Un référent unique pour les familles"], query
    assert found["both_words"] == ["Coordination locale"]
    assert found["blank"] == 2
    assert found["other"] == ["Accueil de jour"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_finds_the_same_words():
    from practices.services import refresh_search_vectors

    practice = PracticeFactory(title="Un référent unique pour les familles", status="published")
    PracticeFactory(title="Accueil de jour", summary="Sans rendez-vous.", status="published")
    refresh_search_vectors([p.pk for p in Practice.objects.all()])
    for query in QUERIES:
        assert list(Practice.objects.search(query)) == [practice], query
