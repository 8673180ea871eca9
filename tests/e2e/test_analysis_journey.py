"""A national team member starts an analysis of the published texts, watches it progress,
renames a topic and merges two; axe-core audits every page on the way.

The run is done by a real Celery worker, so the page really shows the progress bar moving
(polled by analysis/static/analysis/progress.js) before the topics appear.
"""

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from analysis.models import AnalysisRun, Quote, Topic, TopicEdit
from egts.models import Territory
from tests.factories.analysis import publish_campaign, publish_texts
from tests.factories.egts import national_team_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.postgres,
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


def test_national_team_starts_an_analysis_watches_it_then_renames_and_merges_topics(
    page, sign_in, assert_accessible, celery_worker_process, settings
):
    settings.ANALYSIS_CHUNK_SIZE = 4
    publish_texts(per_topic=10)
    publish_campaign(copies=5)
    sign_in(national_team_member())

    page.goto("/espace/analyses/")
    page.get_by_role("heading", name="Analyse des textes", exact=True).wait_for()
    assert_accessible(page)
    assert page.get_by_label("Territoire").input_value() == ""  # all territories

    page.get_by_role("button", name="Lancer l'analyse").click()
    page.get_by_role("heading", name="Analyse : Tous les territoires, version 1").wait_for()
    progress = page.locator("#analysis-progress-bar")
    assert progress.get_attribute("max") == "100"
    assert page.get_by_label("Avancement de l'analyse").count() == 1
    assert page.locator("#analysis-status").get_attribute("aria-live") == "polite"
    assert "Analyse version 1" in page.locator("#analysis-status").inner_text()
    assert_accessible(page)

    # Seen by the script's polling: the bar moves before the page reloads with the topics.
    seen = set()
    heading = page.get_by_role("heading", name="Thèmes dégagés")
    for _ in range(2400):
        if heading.count():
            break
        if progress.count():
            seen.add(int(progress.get_attribute("value") or 0))
        page.wait_for_timeout(100)
    heading.wait_for(timeout=5_000)
    assert any(0 < value < 100 for value in seen), seen
    assert page.locator("#analysis-status").inner_text() == "Analyse version 1 : Terminée, 100 %"
    assert page.get_by_text(re.compile(r"^Contribution n° \d+$")).count() >= 1
    assert_accessible(page)
    run = AnalysisRun.objects.get()
    assert run.status == "done"

    # The campaign page, then the largest topic.
    page.get_by_role("link", name=re.compile(r"campagnes? de textes quasi identiques")).click()
    page.get_by_role("heading", name="Campagnes de textes quasi identiques").wait_for()
    assert page.get_by_text("Campagne de 5 textes", exact=False).count() >= 1
    assert_accessible(page)
    page.go_back()

    topics = list(Topic.objects.filter(run=run).order_by("-size", "index"))
    first, second = topics[0], topics[1]
    sizes = (first.size, second.size)
    page.get_by_role("link", name=f"Revoir le thème « {first.label} »").click()
    page.get_by_role("heading", name=first.label, level=1).wait_for()
    assert_accessible(page)

    # A label too short: the error is shown beside the field and what was typed stays.
    page.get_by_label("Nouvel intitulé").fill("ab")
    page.get_by_role("button", name="Renommer le thème").click()
    page.get_by_text("L'intitulé doit compter au moins 3 caractères.").wait_for()
    assert page.get_by_label("Nouvel intitulé").input_value() == "ab"
    assert_accessible(page)

    page.get_by_label("Nouvel intitulé").fill("Accès aux droits et démarches")
    page.get_by_role("button", name="Renommer le thème").click()
    page.get_by_text("Le thème est renommé.").wait_for()
    page.get_by_role("heading", name="Accès aux droits et démarches", level=1).wait_for()
    assert_accessible(page)

    # Merge the second topic into the renamed one.
    page.goto(second.get_absolute_url())
    page.get_by_label("Fusionner ce thème dans").select_option(
        label=f"Accès aux droits et démarches ({sizes[0]})"
    )
    page.get_by_role("button", name="Fusionner les deux thèmes").click()
    page.get_by_text(
        f"« {second.label} » est fusionné dans « Accès aux droits et démarches »."
    ).wait_for()
    page.get_by_role("heading", name="Accès aux droits et démarches", level=1).wait_for()
    first.refresh_from_db()
    assert first.size == sizes[0] + sizes[1]
    assert page.locator("#topic-size").inner_text() == str(first.size)
    assert_accessible(page)

    page.get_by_role("link", name="Journal des modifications").click()
    page.get_by_role("heading", name="Journal des modifications").wait_for()
    assert page.get_by_text("Renommage : « Accès aux droits et démarches »").count() == 1
    assert page.get_by_text("Fusion → « Accès aux droits et démarches »").count() == 1
    assert_accessible(page)
    assert set(TopicEdit.objects.values_list("action", flat=True)) == {"rename", "merge"}

    page.get_by_role("link", name="Thèmes dégagés").click()
    page.get_by_role("heading", name="Thèmes dégagés").wait_for()
    assert page.get_by_role("heading", name="Accès aux droits et démarches").count() == 1
    assert page.get_by_role("heading", name=second.label).count() == 0
    assert_accessible(page)

    # The next synthesis carries the reviewed topics, with their quotes and ids.
    page.goto("/espace/")
    page.get_by_role("link", name="Synthèse nationale et exports").click()
    page.get_by_role("heading", name="Synthèse nationale", exact=True).wait_for()
    page.get_by_role("button", name="Demander une nouvelle synthèse").click()
    page.get_by_role("heading", name="Synthèse nationale, version 1").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Télécharger le PDF").wait_for(timeout=180_000)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    with open(download_info.value.path(), "rb") as pdf:
        text = " ".join(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages).split()
        )
    text = text.replace("’", "'")
    assert "Ce que disent les contributions" in text
    assert "Accès aux droits et démarches" in text
    assert "intitulé revu par l'équipe" in text
    assert "réunit un thème fusionné" in text
    assert f"« {second.label} »" not in text
    shown = Quote.objects.shown().filter(topic__in=Topic.objects.filter(run=run).for_report())
    assert shown.exists()
    for quote in shown:
        assert f"(contribution n° {quote.contribution_id})" in text
        assert " ".join(quote.text.split())[:30] in text

    # The full annex: every contribution of the renamed topic, from the workspace.
    annex = page.request.get(
        page.get_by_role(
            "link", name=re.compile("Annexe : contributions de chaque thème")
        ).get_attribute("href")
    )
    assert annex.status == 200
    lines = annex.body().decode("utf-8-sig").strip().splitlines()
    renamed = [line for line in lines[1:] if line.split(";")[1] == "Accès aux droits et démarches"]
    assert len(renamed) == first.documents
