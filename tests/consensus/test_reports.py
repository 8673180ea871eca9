"""The consensus results in the national synthesis: frozen into its figures at request
time (consensus and divisive statements by theme, small counts suppressed, computed_at),
at a fixed number of queries, and shown in its PDF as a "Consensus et dissensus" section."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from assises.services.synthesis import synthesis_request
from assises.services.synthesis_figures import synthesis_figures
from consensus.models import Computation, Statement
from consensus.reports import consensus_figures
from consensus.results import results_compute
from egts.models import Theme
from egts.moderation import ModerationStatus
from tests.factories.consensus import StatementFactory, territory, votes
from tests.factories.egts import national_team_member

pytestmark = pytest.mark.django_db

CATEGORIES = ["elus", "professionnels", "usagers", "benevoles"]


def consensual(text: str, theme: str = "T1", place=None) -> Statement:
    """16 agree, 4 disagree (under 5: suppressed), no pass."""
    statement = StatementFactory(published=True, national=True, text=text)
    statement.theme = Theme.objects.get(code=theme)
    statement.save(update_fields=["theme"])
    for category in CATEGORIES:
        votes(statement, category, agree=4, disagree=1, territory=place)
    return statement


def divisive(text: str, place=None) -> Statement:
    """People supported agree, professionals disagree."""
    statement = StatementFactory(published=True, national=True, text=text)
    votes(statement, "usagers", agree=6, territory=place)
    votes(statement, "professionnels", disagree=6, passed=2, territory=place)
    return statement


def lukewarm(text: str) -> Statement:
    statement = StatementFactory(published=True, national=True, text=text)
    votes(statement, "usagers", agree=3, disagree=3)
    return statement


def pdf_text(field) -> str:
    with field.open("rb") as handle:
        content = handle.read()
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_synthesis_figures_carry_consensus_and_divisive_statements_by_theme():
    agreed = consensual("Le temps de coordination doit être reconnu.")
    elsewhere = consensual("Les formations doivent être communes.", theme="T2")
    split = divisive("Les visites à domicile doivent être annoncées.")
    lukewarm("Un énoncé sans avis tranché.")
    results_compute(territory=None)
    figures = synthesis_figures()["consensus"]
    computed_at = Computation.objects.get(scope="national").computed_at
    assert figures["computed_at"] == computed_at.isoformat()
    assert (figures["consensus_count"], figures["divisive_count"]) == (2, 1)
    t1, t2 = figures["by_theme"]
    assert (t1["code"], t2["code"]) == ("T1", "T2")
    assert t1["consensus"] == [
        {
            "id": agreed.pk,
            "text": agreed.text,
            "votes": 20,
            "agree": 16,
            "disagree": None,  # 4: suppressed, the document is public
            "pass": None,
            "consensus": "agree",
            "divisive": False,
            "far_apart": [],
            "far_apart_labels": [],
        }
    ]
    [row] = t1["divisive"]
    assert (row["id"], row["votes"], row["agree"], row["disagree"]) == (split.pk, 14, 6, 6)
    assert row["pass"] is None
    assert row["far_apart"] == ["usagers", "professionnels"]
    assert len(row["far_apart_labels"]) == 2 and all(row["far_apart_labels"])
    assert [s["id"] for s in t2["consensus"]] == [elsewhere.pk] and t2["divisive"] == []


def test_nothing_before_any_computation_and_unpublished_statements_are_left_out():
    assert consensus_figures() is None
    agreed = consensual("Le temps de coordination doit être reconnu.")
    results_compute(territory=None)
    Statement.objects.filter(pk=agreed.pk).update(status=ModerationStatus.REJECTED)
    assert consensus_figures()["by_theme"] == []


def test_a_territory_scope_has_its_own_results():
    consensual("Voté dans le sud.", place=territory("grand-sud"))
    results_compute(territory=territory("grand-sud"))
    results_compute(territory=None)
    assert consensus_figures(territory("grand-nord")) is None
    [theme] = consensus_figures(territory("grand-sud"))["by_theme"]
    assert [s["text"] for s in theme["consensus"]] == ["Voté dans le sud."]


def test_the_query_count_does_not_grow_with_statements_and_votes():
    consensual("Le premier énoncé.")
    results_compute(territory=None)
    with CaptureQueriesContext(connection) as one:
        consensus_figures()
    with CaptureQueriesContext(connection) as figures_one:
        synthesis_figures()
    for n in range(6):
        consensual(f"Un énoncé de plus ({n}).", theme="T3" if n % 2 else "T1")
        divisive(f"Un énoncé clivant ({n}).")
    results_compute(territory=None)
    with CaptureQueriesContext(connection) as many:
        assert consensus_figures()["consensus_count"] == 7
    with CaptureQueriesContext(connection) as figures_many:
        synthesis_figures()
    assert len(one) == len(many) == 2
    assert len(figures_many) == len(figures_one)


def test_the_synthesis_pdf_has_the_consensus_and_dissensus_section(
    django_capture_on_commit_callbacks,
):
    consensual("Le temps de coordination doit être reconnu.")
    divisive("Les visites à domicile doivent être annoncées.")
    results_compute(territory=None)
    with django_capture_on_commit_callbacks(execute=True):
        synthesis = synthesis_request(requested_by=national_team_member())
    synthesis.refresh_from_db()
    text = pdf_text(synthesis.pdf)
    assert "Consensus et dissensus" in text
    assert "Le temps de coordination doit être reconnu." in text
    assert "Les visites à domicile doivent être annoncées." in text
    assert "Énoncés qui font consensus" in text and "Énoncés clivants" in text
    html = " ".join(synthesis.html.split())
    assert 'id="consensus"' in html and "&lt; 5" in html


def test_without_results_the_synthesis_has_no_consensus_section(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        synthesis = synthesis_request(requested_by=national_team_member())
    synthesis.refresh_from_db()
    assert synthesis.figures["consensus"] is None
    assert "Consensus et dissensus" not in pdf_text(synthesis.pdf)
