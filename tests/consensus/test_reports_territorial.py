"""The territory's consensus results in its report: on the page and in the draft PDF, and
frozen into the content on submission (a later computation does not change a version)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assises.models import TerritorialReport
from consensus.results import results_compute
from tests.factories.assises import people
from tests.factories.consensus import StatementFactory, territory, votes

pytestmark = pytest.mark.django_db

CATEGORIES = ["elus", "professionnels", "usagers", "benevoles"]


@pytest.fixture
def roles(db):
    return people()


@pytest.fixture
def statements():
    south, west = territory("grand-sud"), territory("sud-ouest")
    ours = StatementFactory(published=True, text="Les permanences doivent rouvrir le samedi.")
    theirs = StatementFactory(published=True, territory=west, text="Un énoncé du sud-ouest.")
    split = StatementFactory(published=True, national=True, text="Les visites seront annoncées.")
    for category in CATEGORIES:
        votes(ours, category, agree=5, territory=south)
        votes(theirs, category, agree=5, territory=west)
    votes(split, "usagers", agree=6, territory=south)
    votes(split, "professionnels", disagree=6, territory=south)
    for place in (south, west):
        results_compute(territory=place)
    return {"ours": ours, "theirs": theirs, "split": split}


def _text(content: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


def test_the_report_page_and_pdf_show_the_territory_s_own_results(client, roles, statements):
    client.force_login(roles["lead"])
    page = " ".join(
        client.get(reverse("assises:report", args=["grand-sud"])).content.decode().split()
    )
    assert "Consensus et dissensus sur le territoire" in page
    assert "Les permanences doivent rouvrir le samedi." in page
    assert "Les visites seront annoncées." in page
    assert "Un énoncé du sud-ouest." not in page
    text = _text(client.get(reverse("assises:report-draft-pdf", args=["grand-sud"])).content)
    assert "Consensus et dissensus sur le territoire" in text
    assert "Les permanences doivent rouvrir le samedi." in text
    assert "Un énoncé du sud-ouest." not in text


def test_a_submitted_report_keeps_the_results_it_was_submitted_with(client, roles, statements):
    client.force_login(roles["lead"])
    client.post(reverse("assises:report-submit", args=["grand-sud"]), {"confirm": "on"})
    report = TerritorialReport.objects.get()
    frozen = report.content["consensus"]
    [theme] = frozen["by_theme"]
    assert [s["text"] for s in theme["consensus"]] == ["Les permanences doivent rouvrir le samedi."]
    assert theme["consensus"][0]["agree"] == 20 and theme["consensus"][0]["disagree"] is None
    assert [s["far_apart"] for s in theme["divisive"]] == [["usagers", "professionnels"]]
    for category in CATEGORIES:
        votes(statements["ours"], category, disagree=20, territory=territory("grand-sud"))
    results_compute(territory=territory("grand-sud"))
    report.refresh_from_db()
    assert report.content["consensus"] == frozen
    pdf = b"".join(
        client.get(reverse("assises:report-version-pdf", args=["grand-sud", 1])).streaming_content
    )
    assert "Les permanences doivent rouvrir le samedi." in _text(pdf)


def test_before_any_computation_the_report_has_no_consensus_part(client, roles):
    client.force_login(roles["lead"])
    page = client.get(reverse("assises:report", args=["grand-sud"])).content.decode()
    assert "Consensus et dissensus" not in page
