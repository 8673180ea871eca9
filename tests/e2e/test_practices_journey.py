"""Browser journey: a practice submitted in steps, sent back for changes, published, printed."""

import re
from io import BytesIO

import pytest
from django.test import Client
from playwright.sync_api import expect
from pypdf import PdfReader

from egts.moderation import ModerationStatus
from practices.models import Practice
from tests.factories.egts import UserFactory, copil_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Petits-déjeuners partagés à la halte de nuit"
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _reference_data():
    """The démarche's reference data, reloaded if a previous browser test lost it.

    serialized_rollback restores it from the copy taken when the test database was
    created; after some Playwright tests that copy is no longer found on the connection,
    and the flush leaves the tables empty. Loading it again keeps this journey independent
    of the order the tests run in.
    """
    from importlib import import_module

    from django.apps import apps

    from egts.models import Territory

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)


def sign_in(page, live_server, user):
    """Session cookie from Django's test client: the login page belongs to another journey."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_submit_moderate_resubmit_publish_and_print(page, live_server, assert_accessible, tmp_path):
    author = UserFactory(actor_category="professionnels")
    moderator = copil_member("grand-sud")

    # 1. The professional describes the practice in four steps.
    sign_in(page, live_server, author)
    page.goto("/pratiques/proposer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer une pratique")
    assert_accessible(page)
    page.get_by_label("Titre de la pratique").fill(TITLE)
    page.get_by_label("Résumé").fill("Un petit-déjeuner chaque matin pour renouer le dialogue.")
    page.get_by_label("Structure porteuse").fill("Association Le Fanal")
    page.get_by_label("Département").select_option("13")
    page.get_by_label("Place des usagers").check(force=True)
    page.get_by_role("button", name="Étape suivante").click()

    expect(page.get_by_text("Étape 2 sur 4")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Contexte et besoin").fill("Des hébergés qui partent à l'aube sans parler.")
    page.get_by_label("Personnes concernées").fill("Personnes hébergées en halte de nuit.")
    page.get_by_label("Acteurs et partenaires").fill("Bénévoles, éducateurs, banque alimentaire.")
    page.get_by_role("button", name="Étape suivante").click()

    expect(page.get_by_text("Étape 3 sur 4")).to_be_visible()
    page.get_by_label("Mise en œuvre").fill("Un éducateur et deux bénévoles, de 6 h 30 à 8 h.")
    page.get_by_label("Résultats et évaluation").fill("Deux fois plus de rendez-vous pris.")
    page.get_by_label("Conditions de transfert ailleurs").fill("Un local avec une cuisine.")
    page.get_by_role("button", name="Étape suivante").click()

    expect(page.get_by_text("Étape 4 sur 4")).to_be_visible()
    pdf = tmp_path / "bilan halte.pdf"
    pdf.write_bytes(PDF_BYTES)
    page.get_by_label("Adresse électronique de contact").fill("fanal@exemple.fr")
    page.get_by_label("Ajouter une pièce jointe").set_input_files(str(pdf))
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("button", name="Retirer bilan_halte.pdf")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer ma pratique").click()

    expect(page).to_have_url(re.compile(r"/compte/mes-contributions/$"))
    practice = Practice.objects.get()
    assert practice.status == ModerationStatus.PENDING
    assert practice.is_draft is False
    assert practice.attachments.count() == 1

    # 2. The territory's COPIL asks for changes.
    sign_in(page, live_server, moderator)
    page.goto(f"/pratiques/{practice.pk}/moderer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modérer une pratique")
    expect(page.get_by_text("fanal@exemple.fr")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Demander des modifications").check(force=True)
    page.get_by_label("Message à l'auteur").fill("Précisez le nombre de personnes accueillies.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Décision enregistrée")).to_be_visible()
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.CHANGES_REQUESTED

    # 3. The author reads the message in "Mes contributions", edits and resubmits.
    sign_in(page, live_server, author)
    page.goto("/compte/mes-contributions/")
    expect(page.get_by_text("Précisez le nombre de personnes accueillies.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Modifier")).first.click()
    expect(page.get_by_text("Étape 1 sur 4")).to_be_visible()
    page.get_by_role("button", name="Étape suivante").click()
    page.get_by_role("button", name="Étape suivante").click()
    page.get_by_label("Résultats et évaluation").fill(
        "Vingt-cinq personnes accueillies chaque matin ; deux fois plus de rendez-vous pris."
    )
    page.get_by_role("button", name="Étape suivante").click()
    page.get_by_role("button", name="Soumettre à nouveau").click()
    expect(page).to_have_url(re.compile(r"/compte/mes-contributions/$"))
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.PENDING
    assert practice.results.startswith("Vingt-cinq personnes")

    # 4. The COPIL publishes.
    sign_in(page, live_server, moderator)
    page.goto(f"/pratiques/{practice.pk}/moderer/")
    page.get_by_role("radio", name="Publier").check(force=True)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Décision enregistrée")).to_be_visible()

    # 5. Anyone finds it in the catalogue and downloads its sheet.
    page.context.clear_cookies()
    page.goto("/pratiques/")
    expect(page.get_by_role("heading", name="1 pratique")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("fanal@exemple.fr")).to_have_count(0)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger la fiche (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"pratique-{practice.pk}.pdf"
    content = open(download.path(), "rb").read()  # noqa: SIM115
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)
    assert TITLE in text


def test_national_team_shares_a_practice_and_the_copil_finds_it(
    page, live_server, assert_accessible
):
    from tests.factories.egts import national_team_member
    from tests.factories.practices import PracticeFactory

    practice = PracticeFactory(published=True, title="Médiation par les pairs en CHRS")
    receiving = copil_member("grand-est")

    sign_in(page, live_server, national_team_member())
    page.goto(f"/pratiques/{practice.pk}/")
    page.get_by_role("link", name="Partager avec d'autres territoires").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partager avec d'autres territoires")
    assert_accessible(page)
    page.get_by_label("Grand Est").check(force=True)
    page.get_by_label("Message aux COPIL destinataires").fill("Une piste pour vos CHRS.")
    page.get_by_role("button", name="Partager", exact=True).click()
    expect(page.get_by_text("Pratique partagée avec 1 territoire(s).")).to_be_visible()

    sign_in(page, live_server, receiving)
    page.goto("/pratiques/partagees-avec-nous/")
    expect(page.get_by_role("link", name="Médiation par les pairs en CHRS")).to_be_visible()
    expect(page.get_by_text("Une piste pour vos CHRS.")).to_be_visible()
    assert_accessible(page)
