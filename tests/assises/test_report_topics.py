"""The territory's own analysis topics in its report: frozen on submission, in the PDF
(read back), on the page, and its CSV annex for the territory's COPIL only."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from analysis.models import Topic
from assises.models import TerritorialReport
from egts.models import Territory, Theme
from tests.factories.analysis import AnalysisRunFactory, QuoteFactory, TopicFactory, add_members
from tests.factories.assises import people
from tests.factories.contributions import ContributionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(db):
    return people()


@pytest.fixture
def runs():
    theme = Theme.objects.get(code="T2")
    ours = AnalysisRunFactory(documents=9)  # Grand Sud
    topic = TopicFactory(run=ours, label="permanences sociales fermées")
    members = ContributionFactory.create_batch(6, published=True, themes=[theme])
    add_members(topic, members)
    QuoteFactory(topic=topic, contribution=members[1], text=members[1].published_body)
    theirs = AnalysisRunFactory(territory=Territory.objects.get(slug="sud-ouest"))
    other = TopicFactory(run=theirs, label="transport scolaire du sud-ouest")
    add_members(other, ContributionFactory.create_batch(5, published=True))
    national = AnalysisRunFactory(national=True)
    TopicFactory(run=national, label="un thème national seulement")
    return {"topic": topic, "members": members}


def _text(content: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


def test_the_report_carries_the_territory_s_own_topics_quotes_and_ids(client, roles, runs):
    client.force_login(roles["lead"])
    page = client.get(reverse("assises:report", args=["grand-sud"])).content.decode()
    assert "permanences sociales fermées" in page
    assert f"(contribution n° {runs['members'][1].pk})" in page
    assert "transport scolaire du sud-ouest" not in page
    assert "un thème national seulement" not in page
    pdf = client.get(reverse("assises:report-draft-pdf", args=["grand-sud"])).content
    text = _text(pdf)
    assert "Ce que disent les contributions du territoire" in text
    assert "permanences sociales fermées" in text
    assert f"(contribution n° {runs['members'][1].pk})" in text
    assert "transport scolaire" not in text


def test_a_submitted_report_keeps_its_topics_when_they_change(client, roles, runs):
    client.force_login(roles["lead"])
    client.post(reverse("assises:report-submit", args=["grand-sud"]), {"confirm": "on"})
    report = TerritorialReport.objects.get()
    Topic.objects.filter(pk=runs["topic"].pk).update(label="autre intitulé")
    AnalysisRunFactory()  # a later run of Grand Sud with no topic yet
    report.refresh_from_db()
    assert [t["label"] for t in report.content["analysis"]["topics"]] == [
        "permanences sociales fermées"
    ]
    text = _text(
        b"".join(
            client.get(
                reverse("assises:report-version-pdf", args=["grand-sud", 1])
            ).streaming_content
        )
    )
    assert "permanences sociales fermées" in text
    rows = (
        b"".join(
            client.get(
                reverse("assises:report-version-topics-csv", args=["grand-sud", 1])
            ).streaming_content
        )
        .decode("utf-8-sig")
        .strip()
        .splitlines()
    )
    assert [int(r.split(";")[3]) for r in rows[1:]] == sorted(c.pk for c in runs["members"])
    assert rows[1].split(";")[1] == "permanences sociales fermées"


@pytest.mark.parametrize(
    "role", ["anonymous", "participant", "other_copil", "member", "lead", "national"]
)
def test_the_report_annex_is_for_the_territory_s_copil_and_the_national_team(
    client, roles, runs, role
):
    if roles[role] is not None:
        client.force_login(roles[role])
    response = client.get(reverse("assises:report-topics-csv", args=["grand-sud"]))
    if role in ("member", "lead", "national"):
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert len(body.strip().splitlines()) == 1 + 6
        assert "transport scolaire" not in body
    else:
        assert response.status_code in (302, 403, 404)
