"""Every PDF under production settings: DEBUG off, hashed and collected static files.

With ManifestStaticFilesStorage, ``{% static %}`` writes hashed names
(``css/synthesis_pdf.<hash>.css``) that only the collected files hold; the PDFs must still
find their stylesheet and fonts there. Each PDF is read back and must embed Marianne.
"""

import io
import logging
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assises.models import ProposalStatus
from assises.services.synthesis import synthesis_request
from tests.factories.assises import ProposalFactory, people
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import national_team_member
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def production(settings, collected_static):
    settings.DEBUG = False
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    from django.templatetags.static import static

    # The precondition of the fault: the PDFs link hashed names.
    assert static("css/synthesis_pdf.css") != "/static/css/synthesis_pdf.css"
    return settings


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts whose file is inside the PDF (what pdffonts calls emb)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                # Subsets are named "ABCDEF+Marianne-Regular".
                names.add(str(font["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def assert_marianne(pdf: bytes, caplog) -> None:
    assert pdf.startswith(b"%PDF-")
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refused == []
    fonts = embedded_fonts(pdf)
    # Marianne's regular face calls itself "Marianne", its bold one "Marianne-Bold".
    assert {"Marianne", "Marianne-Bold"} <= fonts, fonts


def test_every_pdf_embeds_marianne_under_production_settings(
    production, client, caplog, django_capture_on_commit_callbacks
):
    """One test for the three PDFs: collecting the static files once costs most of it."""
    practice = PracticeFactory(published=True)
    ProposalFactory(status=ProposalStatus.VALIDATED)
    ContributionFactory.create_batch(2, published=True)

    with caplog.at_level(logging.WARNING):
        sheet = client.get(reverse("practices:sheet", kwargs={"pk": practice.pk}))
    assert sheet.status_code == 200
    assert_marianne(sheet.content, caplog)

    client.force_login(people()["lead"])
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        report = client.get("/espace/grand-sud/rapport/projet.pdf")
    assert report.status_code == 200
    assert report["Content-Type"] == "application/pdf"
    assert_marianne(report.content, caplog)

    caplog.clear()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        synthesis = synthesis_request(requested_by=national_team_member())
    synthesis.refresh_from_db()
    assert synthesis.status == "done", synthesis.error
    assert_marianne(synthesis.pdf.read(), caplog)
