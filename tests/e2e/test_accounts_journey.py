"""A person signs up, confirms their address from the e-mail, signs out and in again."""

import importlib
import re

import pytest
from django.core import mail

from egts.models import User

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


PASSWORD = "Une-phrase-secrete-2014"


def test_signup_confirm_logout_and_login_again(page, assert_accessible, login):
    page.goto("/")
    page.get_by_role("link", name="Créer un compte").first.click()
    assert page.locator("h1").inner_text() == "Créer un compte"

    # A first attempt with mismatched passwords: errors on the fields, the address kept.
    page.get_by_label("Adresse électronique").fill("lea@exemple.fr")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill("autre-chose-2014")
    page.get_by_role("button", name="Créer mon compte").click()
    assert page.get_by_label("Adresse électronique").input_value() == "lea@exemple.fr"
    assert page.locator("#id_password2").get_attribute("aria-describedby") == (
        "id_password2-desc-error"
    )
    assert_accessible(page)

    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    assert page.locator("h1").inner_text() == "Confirmez votre adresse électronique"
    assert_accessible(page)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[EGTS] Confirmez votre adresse électronique"
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Confirmer l'adresse électronique"
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_load_state()

    # Confirmed and signed in: the header offers the account and the participant's space.
    assert page.get_by_role("link", name="Mon compte").is_visible()
    assert page.get_by_role("link", name="Mes contributions").count() == 1
    assert User.objects.get(email="lea@exemple.fr").emailaddress_set.get().verified is True
    assert_accessible(page)

    page.get_by_role("link", name="Mon compte").click()
    assert page.locator("h1").inner_text() == "Mon profil"
    page.get_by_label("Nom affiché").fill("Léa")
    page.get_by_label("Catégorie d'acteur").select_option("benevoles")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    assert page.get_by_text("Votre profil a été enregistré.").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Se connecter").is_visible()

    # A wrong password first: a clear error, then the right one signs in.
    login("lea@exemple.fr", "pas-le-bon")
    assert page.locator("#login-error").is_visible()
    assert_accessible(page)
    login("lea@exemple.fr", PASSWORD)
    assert page.get_by_role("link", name="Mon compte").is_visible()


def test_participant_pages_are_accessible(page, assert_accessible, login):
    from tests.factories.egts import PASSWORD as DEMO_PASSWORD
    from tests.factories.egts import UserFactory

    UserFactory(email="marc@exemple.fr")
    login("marc@exemple.fr", DEMO_PASSWORD)
    for path, heading in [
        ("/compte/mes-contributions/", "Mes contributions"),
        ("/compte/supprimer/", "Supprimer mon compte"),
        ("/compte/password/change/", "Changer de mot de passe"),
        ("/compte/email/", "Adresses électroniques"),
    ]:
        page.goto(path)
        assert page.locator("h1").inner_text() == heading
        assert_accessible(page)
