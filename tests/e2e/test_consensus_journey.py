"""Browser journey: on a phone-sized screen, an anonymous participant gives their actor
category, votes on statements one at a time, then reads the Consensus page."""

import pytest
from playwright.sync_api import expect

from consensus.models import Vote
from consensus.tasks import compute_results
from tests.factories.consensus import StatementFactory, territory, votes

pytestmark = [
    pytest.mark.browser,
    # As the other journeys: the reference rows come back after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 740}


def test_vote_on_statements_on_a_phone_then_read_the_results(page, assert_accessible):
    texts = [
        "Les travailleurs sociaux manquent de temps pour accompagner.",
        "La formation initiale doit inclure les personnes concernées.",
        "Le secret partagé doit être mieux encadré.",
    ]
    statements = [StatementFactory(published=True, text=text) for text in texts]
    page.set_viewport_size(PHONE)

    page.goto("/consensus/voter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Avant de voter")
    assert_accessible(page)
    # Sent without a choice: the message, and nothing lost.
    page.get_by_role("button", name="Commencer à voter").click()
    expect(page.get_by_text("Choisissez la catégorie qui vous décrit le mieux.")).to_be_visible()
    page.get_by_label("Personnes concernées / usagers").check(force=True)
    page.get_by_role("button", name="Commencer à voter").click()

    expect(page.get_by_role("heading", level=2, name=texts[0])).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="D'accord", exact=True).click()
    expect(page.get_by_text("Votre vote est enregistré.")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=texts[1])).to_be_visible()
    # With the keyboard: the second button, then Enter.
    page.get_by_role("button", name="Pas d'accord").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2, name=texts[2])).to_be_visible()
    page.get_by_role("button", name="Je passe").click()
    expect(page.get_by_text("Vous avez voté sur tous les énoncés")).to_be_visible()
    assert_accessible(page)
    assert sorted(Vote.objects.values_list("statement_id", "vote", "actor_category")) == [
        (statements[0].pk, "agree", "usagers"),
        (statements[1].pk, "disagree", "usagers"),
        (statements[2].pk, "pass", "usagers"),
    ]
    # No horizontal scrolling on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    for category in ["elus", "professionnels", "benevoles", "usagers"]:
        votes(statements[0], category, agree=5, territory=territory())
    compute_results.delay(None)
    page.get_by_role("link", name="Voir les résultats").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consensus")
    table = page.get_by_role("table", name="Votes par énoncé, en ligne et sur papier")
    expect(table.get_by_role("row", name=texts[0])).to_contain_text("Consensus pour")
    assert_accessible(page)


def test_a_copil_enters_a_paper_tally_and_moderates_a_statement(page, login, assert_accessible):
    from consensus.models import PaperTally
    from egts.moderation import ModerationStatus
    from tests.factories.egts import PASSWORD, copil_member

    statement = StatementFactory(published=True, text="Les usagers doivent siéger au COPIL.")
    pending = StatementFactory(text="Un énoncé proposé par un participant.")
    copil = copil_member("grand-sud", role="copil_lead")
    login(copil.email, PASSWORD)

    page.goto("/consensus/espace/grand-sud/votes-papier/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Votes papier")
    assert_accessible(page)
    page.get_by_label("Énoncé").select_option(str(statement.pk))
    page.get_by_label("Catégorie d'acteur").select_option("usagers")
    page.get_by_role("spinbutton", name="D'accord", exact=True).fill("14")
    page.get_by_label("Pas d'accord").fill("-1")
    page.get_by_label("Je passe").fill("2")
    page.get_by_label("Date du vote").fill("2014-03-20")
    page.get_by_role("button", name="Enregistrer la ligne").click()
    # The wrong count is refused with its message; the rest is kept.
    expect(page.get_by_role("spinbutton", name="D'accord", exact=True)).to_have_value("14")
    assert_accessible(page)
    page.get_by_label("Pas d'accord").fill("3")
    page.get_by_role("button", name="Enregistrer la ligne").click()
    expect(page.get_by_text("1 ligne(s) enregistrée(s).")).to_be_visible()
    tally = PaperTally.objects.get()
    assert (tally.agree, tally.disagree, tally.passed) == (14, 3, 2)

    page.goto("/consensus/espace/moderation/")
    expect(page.get_by_role("heading", level=2, name=pending.text)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Publier").check(force=True)
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
    pending.refresh_from_db()
    assert pending.status == ModerationStatus.PUBLISHED


def test_a_copil_draws_a_statement_from_a_proposal_in_the_browser(page, login, assert_accessible):
    from consensus.models import Statement
    from tests.factories.assises import ProposalFactory
    from tests.factories.egts import PASSWORD, copil_member

    proposal = ProposalFactory(title="Ouvrir les formations aux personnes accompagnées")
    copil = copil_member("grand-sud", role="copil_lead")
    login(copil.email, PASSWORD)

    page.goto(f"/espace/propositions/{proposal.pk}/")
    page.get_by_role("link", name="Soumettre au vote comme énoncé").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer un énoncé au vote")
    expect(page.get_by_role("textbox", name="Énoncé")).to_have_value(proposal.title)
    assert_accessible(page)
    # Too short: the message on the field, and what was typed is kept.
    page.get_by_role("textbox", name="Énoncé").fill("Trop bref")
    page.get_by_role("button", name="Envoyer l'énoncé").click()
    expect(page.get_by_text("L'énoncé doit compter au moins 10 caractères.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Énoncé")).to_have_value("Trop bref")
    assert_accessible(page)
    page.get_by_role("textbox", name="Énoncé").fill(
        "Les formations doivent s'ouvrir aux personnes accompagnées."
    )
    page.get_by_role("button", name="Envoyer l'énoncé").click()
    expect(page.get_by_text("L'énoncé est publié : chacun peut voter.")).to_be_visible()
    statement = Statement.objects.get()
    assert (statement.source_type, statement.source_id) == ("proposal", proposal.pk)
    assert statement.territory.slug == "grand-sud"
