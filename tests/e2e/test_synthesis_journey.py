"""The national team builds, downloads and publishes the synthesis; the public sees it.

The build runs on a real Celery worker, so the page really shows the progress bar
moving (polled by static/js/synthesis.js) before the PDF links appear.
"""

import re

import pytest
from django.test import Client

from assises.models import Synthesis
from egts.models import Territory
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import national_team_member
from tests.factories.practices import PracticeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _reference_data():
    """Reference data and assises, reloaded if an earlier transactional test flushed them."""
    from importlib import import_module

    from django.apps import apps

    from assises.models import Assise

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    if Assise.objects.count() != Territory.objects.count():
        import_module("assises.migrations.0002_assises_for_territories").create_assises(apps, None)


@pytest.fixture
def sign_in(page, live_server):
    def do(user):
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )

    return do


def test_national_team_builds_downloads_and_publishes_the_synthesis(
    page, sign_in, assert_accessible, celery_worker_process
):
    ContributionFactory.create_batch(3, published=True)
    PracticeFactory(published=True, title="Accueil de jour partagé")
    sign_in(national_team_member())

    page.goto("/espace/")
    page.get_by_role("link", name="Synthèse nationale et exports").click()
    page.get_by_role("heading", name="Synthèse nationale", exact=True).wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Demander une nouvelle synthèse").click()
    page.get_by_role("heading", name="Synthèse nationale, version 1").wait_for()
    progress = page.locator("#synthesis-progress-bar")
    assert progress.get_attribute("max") == "100"
    assert page.get_by_label("Avancement de la génération").count() == 1
    assert "Synthèse version 1" in page.locator("#synthesis-status").inner_text()
    assert page.locator("#synthesis-status").get_attribute("aria-live") == "polite"
    assert_accessible(page)

    # The worker builds it; the script polls and reloads the page when it is done.
    page.get_by_role("link", name="Télécharger le PDF").wait_for(timeout=120_000)
    assert progress.get_attribute("value") == "100"
    assert page.locator("#synthesis-status").inner_text() == "Synthèse version 1 : Terminée, 100 %"
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    download = download_info.value
    assert download.suggested_filename == "synthese-nationale-v1.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_role("button", name="Publier cette version").click()
    page.get_by_text("La version 1 est publiée sur le site public.").wait_for()
    assert Synthesis.objects.get().published is True
    assert_accessible(page)

    # Anyone, signed out, finds it on the public site.
    page.context.clear_cookies()
    page.goto("/plan-du-site/")
    page.get_by_role("link", name="Synthèse nationale", exact=True).click()
    page.get_by_role("heading", name="Synthèse nationale", exact=True).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Version 1, publiée le")).click()
    page.get_by_role("heading", name=re.compile("version 1$")).wait_for()
    chart = page.get_by_role("img", name="Contributions publiées par territoire", exact=True)
    assert chart.count() == 1
    assert page.get_by_text("Accueil de jour partagé").count() >= 1
    assert_accessible(page)
    pdf = page.request.get(
        page.get_by_role("link", name="Télécharger le PDF accessible").get_attribute("href")
    )
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
