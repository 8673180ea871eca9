"""Browser journey: answer the questionnaire anonymously, with one invalid step first."""

import re

import pytest
from playwright.sync_api import expect

from contributions.models import Answer, Response
from tests.factories.contributions import build_questionnaire

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Transactional tests flush the database after each test, reference data included;
    reload it (idempotently) from the data migration so each journey starts complete."""
    import importlib

    from django.apps import apps

    from egts.models import Department

    if not Department.objects.exists():
        importlib.import_module("egts.migrations.0002_reference_data").load(apps, None)


def test_answer_the_whole_questionnaire_anonymously(page, assert_accessible):
    build_questionnaire(slug="attentes", title="Recueil des attentes")
    page.goto("/questionnaires/")
    page.get_by_role("link", name=re.compile("Répondre")).click()
    expect(page.get_by_text("Étape 1 sur 3")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Votre catégorie d'acteur").select_option("usagers")
    page.get_by_label("Votre département").select_option("13")
    page.get_by_role("button", name="Étape suivante").click()

    # One invalid step first: the scale is left empty.
    expect(page.get_by_text("Étape 2 sur 3")).to_be_visible()
    page.get_by_label("Oui").check(force=True)
    page.get_by_role("button", name="Étape suivante").click()
    expect(page.get_by_text("Cette question est obligatoire.")).to_be_visible()
    expect(page.get_by_label("Oui")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("4", exact=True).check(force=True)
    page.get_by_role("button", name="Étape suivante").click()

    expect(page.get_by_text("Étape 3 sur 3")).to_be_visible()
    page.get_by_label("Formation").check(force=True)
    page.get_by_label("Pourquoi ?").fill("Pour que les métiers se connaissent mieux.")
    # Going back keeps what was answered.
    page.get_by_role("button", name="Étape précédente").click()
    expect(page.get_by_label("Oui")).to_be_checked()
    expect(page.get_by_label("4", exact=True)).to_be_checked()
    page.get_by_role("button", name="Étape suivante").click()
    expect(page.get_by_label("Formation")).to_be_checked()
    expect(page.get_by_label("Pourquoi ?")).to_have_value(
        "Pour que les métiers se connaissent mieux."
    )
    page.get_by_role("button", name="Envoyer mes réponses").click()

    expect(page.get_by_text("Merci ! Votre réponse est enregistrée.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Résultats")
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 4
    assert_accessible(page)
