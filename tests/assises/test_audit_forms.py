"""Rough edges of the forms and documents the outside audit found (issue 17, item 14)."""

import datetime
import html

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from assises.models import ProposalStatus
from assises.services.report import report_content
from assises.services.synthesis import synthesis_request
from egts.models import Role
from egts.templatetags.egts_format import date_fr
from tests.factories.assises import HypothesisFactory, ProposalFactory, territory
from tests.factories.egts import copil_member, national_team_member

pytestmark = pytest.mark.django_db


def test_hypothesis_verdict_offers_only_real_verdicts(client):
    hypothesis = HypothesisFactory()
    client.force_login(copil_member("grand-sud", role=Role.COPIL_MEMBER))
    page = client.get(reverse("assises:review-edit", args=["grand-sud", hypothesis.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="verdict"' in content
    assert "---------" not in content
    assert 'name="verdict" value=""' not in content


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2014-06-27", "27 juin 2014"),
        (datetime.date(2014, 6, 1), "1er juin 2014"),
        ("", ""),
        (None, ""),
        ("fin 2014", "fin 2014"),
    ],
)
def test_dates_read_as_french_readers_expect(value, expected):
    assert date_fr(value) == expected


def test_territorial_report_numbers_every_proposal_and_writes_french_dates():
    place = territory("grand-sud")
    place.assises_date = datetime.date(2014, 6, 27)
    place.save()
    ProposalFactory(title="Classée", validated=True, rank=1, deadline=datetime.date(2015, 3, 1))
    ProposalFactory(title="Pas encore classée", validated=True, rank=None)
    text = html.unescape(
        render_to_string(
            "assises/pdf/report.html", {"report": report_content(territory=place), "version": 1}
        )
    )
    assert "1. Classée" in text
    assert "2. Pas encore classée" in text
    assert "None." not in text
    assert "27 juin 2014" in text and "2014-06-27" not in text
    assert "1er mars 2015" in text and "2015-03-01" not in text


@pytest.mark.parametrize(
    ("forwarded", "sentence"),
    [
        (1, "1 proposition transmise par les territoires"),
        (2, "2 propositions transmises par les territoires"),
    ],
)
def test_synthesis_key_figures_agree_with_their_number(
    django_capture_on_commit_callbacks, forwarded, sentence
):
    for _ in range(forwarded):
        ProposalFactory(status=ProposalStatus.FORWARDED)
    with django_capture_on_commit_callbacks(execute=True):
        synthesis = synthesis_request(requested_by=national_team_member())
    synthesis.refresh_from_db()
    text = " ".join(html.unescape(synthesis.html).split())
    text = text.replace("<strong>", "").replace("</strong>", "")
    assert sentence in text
    assert "1 propositions" not in text
