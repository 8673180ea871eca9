"""Every public page of the site shell, opened in Chromium and audited by axe-core."""

import importlib

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """The démarche's reference data (territories, regions, stages), loaded again when a
    transactional test run earlier in the session flushed the tables; idempotent."""
    from django.apps import apps

    importlib.import_module("egts.migrations.0002_reference_data").load(apps, None)


PAGES = [
    ("/", "États généraux du travail social : donnez votre avis"),
    ("/la-demarche/", "La démarche des États généraux du travail social"),
    ("/territoires/", "Les neuf territoires des assises"),
    ("/territoires/grand-sud/", "Grand Sud"),
    ("/mentions-legales/", "Mentions légales"),
    ("/accessibilite/", "Déclaration d'accessibilité"),
    ("/donnees-personnelles/", "Données personnelles"),
    ("/gestion-des-cookies/", "Gestion des cookies"),
    ("/plan-du-site/", "Plan du site"),
    ("/charte-de-participation/", "Charte de participation et de modération"),
    ("/compte/signup/", "Créer un compte"),
    ("/compte/login/", "Se connecter"),
    ("/compte/password/reset/", "Mot de passe oublié"),
    ("/page-inexistante/", "Page non trouvée"),
]


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_public_page_has_one_heading_and_no_accessibility_violation(
    page, assert_accessible, path, heading
):
    page.goto(path)
    headings = page.locator("h1")
    assert headings.count() == 1
    assert headings.inner_text().strip() == heading
    assert page.title().endswith("États généraux du travail social")
    assert_accessible(page)


def test_main_menu_opens_the_demarche_submenu_and_marks_the_current_page(page, assert_accessible):
    page.goto("/la-demarche/")
    menu = page.get_by_role("navigation", name="Menu principal")
    menu_button = menu.get_by_role("button", name="La démarche")
    assert menu_button.get_attribute("aria-current") == "true"
    menu_button.click()
    menu.get_by_role("link", name="Le calendrier").click()
    assert page.url.endswith("/la-demarche/#calendrier")
    assert page.locator('[aria-current="step"]').count() == 1
    assert_accessible(page)


def test_territory_list_leads_to_a_territory(page):
    page.goto("/territoires/")
    page.get_by_role("link", name="Sud-Ouest").first.click()
    assert page.locator("h1").inner_text() == "Sud-Ouest"
    assert page.get_by_text("À confirmer : ce couple thème × politique").is_visible()
