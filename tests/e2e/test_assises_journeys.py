"""Browser journeys of the back-office, each page audited by axe-core."""

import pytest
from django.test import Client

from assises.models import Meeting, Proposal, ProposalStatus, TerritorialReport
from egts.models import Role
from tests.factories.assises import HypothesisFactory, ProposalFactory, WorkingGroupFactory
from tests.factories.egts import copil_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def sign_in(page, live_server):
    """Puts a session cookie in the browser (the login page is restyled elsewhere)."""

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


def test_facilitator_records_a_meeting_and_drafts_a_proposal(page, sign_in, assert_accessible):
    facilitator = copil_member("grand-sud", role=Role.FACILITATOR)
    group = WorkingGroupFactory(name="Formation initiale", facilitator=facilitator)
    sign_in(facilitator)

    page.goto("/espace/")
    assert_accessible(page)
    page.get_by_role("link", name="Formation initiale").click()
    assert_accessible(page)
    page.get_by_role("link", name="Enregistrer une réunion").click()
    page.get_by_label("Date").fill("2014-03-12")
    page.get_by_label("Lieu").fill("Montpellier")
    page.get_by_label("Ordre du jour").fill("Diagnostic des formations")
    page.get_by_label("Compte rendu").fill("<p>Échanges <strong>riches</strong></p>")
    page.get_by_label("Présents : Professionnels de terrain").fill("6")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Formation initiale : réunion du 12 mars 2014").wait_for()
    assert_accessible(page)
    meeting = Meeting.objects.get()
    assert (meeting.place, meeting.attendance) == ("Montpellier", {"professionnels": 6})

    page.goto(f"/espace/groupes/{group.pk}/")
    page.get_by_role("link", name="Rédiger une proposition").click()
    page.get_by_label("Titre").fill("Des stages croisés entre filières")
    page.get_by_label("Description").fill("Chaque étudiant fait un stage dans une autre filière.")
    page.locator("#id_theme").select_option("T2")
    page.locator("#id_policy").select_option("P2")
    page.locator("#id_level").select_option("regional")
    page.get_by_label("Porteur").fill("Établissements de formation")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Des stages croisés entre filières").wait_for()
    assert_accessible(page)
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.working_group_id) == (ProposalStatus.DRAFT, group.pk)


def test_lead_validates_and_ranks_proposals_by_keyboard(page, sign_in, assert_accessible):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    ProposalFactory(title="Premier levier", status=ProposalStatus.VALIDATED, rank=1)
    ProposalFactory(title="Deuxième levier", status=ProposalStatus.VALIDATED, rank=2)
    ProposalFactory(title="Nouveau levier")
    sign_in(lead)

    page.goto("/espace/grand-sud/propositions/")
    assert_accessible(page)
    page.get_by_role("button", name="Valider « Nouveau levier »").click()
    page.get_by_text("La proposition « Nouveau levier » est validée.").wait_for()
    assert_accessible(page)

    # Keyboard only: focus the "Monter" button of the third item and press Enter twice.
    button = page.get_by_role("button", name="Monter « Nouveau levier »")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_text("« Nouveau levier » est maintenant au rang 2.").wait_for(state="attached")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Monter" in focused and "Nouveau levier" in focused
    page.keyboard.press("Enter")
    page.get_by_text("« Nouveau levier » est maintenant au rang 1.").wait_for(state="attached")
    ranked = list(Proposal.objects.ranked().values_list("title", flat=True))
    assert ranked == ["Nouveau levier", "Premier levier", "Deuxième levier"]

    # Explicit rank, typed and submitted with the keyboard.
    page.get_by_label("Rang « Premier levier »").fill("3")
    page.get_by_label("Rang « Premier levier »").press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("« Premier levier » est maintenant au rang 3.").wait_for(state="attached")
    ranked = list(Proposal.objects.ranked().values_list("title", flat=True))
    assert ranked == ["Nouveau levier", "Deuxième levier", "Premier levier"]
    titles = page.locator(".egts-ranking__item .egts-ranking__title a").all_inner_texts()
    assert titles == ranked
    assert_accessible(page)


def test_lead_submits_the_report_and_downloads_its_pdf(page, sign_in, assert_accessible):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    HypothesisFactory(statement="Les métiers du social sont mal connus")
    ProposalFactory(title="Campagne sur les métiers", status=ProposalStatus.VALIDATED, rank=1)
    sign_in(lead)

    page.goto("/espace/grand-sud/rapport/")
    page.get_by_role("heading", name="III. Préconisations concrètes").wait_for()
    assert_accessible(page)
    # DSFR draws the box on the label, which therefore receives the click.
    page.locator("label[for=confirm-report]").click()
    page.get_by_role("button", name="Valider et soumettre le rapport").click()
    page.get_by_text("La version 1 du rapport est validée et transmise.").wait_for()
    assert_accessible(page)
    assert TerritorialReport.objects.get().version == 1

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Version 1", exact=False).click()
    download = download_info.value
    assert download.suggested_filename == "rapport-grand-sud-v1.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_lead_moderates_a_queue_in_bulk(page, sign_in, assert_accessible):
    from contributions.models import Contribution
    from egts.moderation import ModerationDecision, ModerationStatus
    from tests.factories.contributions import ContributionFactory
    from tests.factories.practices import PracticeFactory

    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    first = ContributionFactory(title="Reconnaître les bénévoles")
    second = ContributionFactory(title="Simplifier les dossiers")
    spam = ContributionFactory(title="Achetez nos formations")
    practice = PracticeFactory(title="Un accueil partagé")
    sign_in(lead)

    page.goto("/espace/grand-sud/")
    page.get_by_role("link", name="File de modération").first.click()
    page.get_by_role("heading", name="File de modération").wait_for()
    assert_accessible(page)

    page.get_by_label("Sélectionner « Reconnaître les bénévoles »").check(force=True)
    page.get_by_label("Sélectionner « Simplifier les dossiers »").check(force=True)
    page.get_by_label("Sélectionner « Un accueil partagé »").check(force=True)
    page.locator("label[for=id_decision_0]").click()
    page.get_by_role("button", name="Appliquer à la sélection").click()
    page.get_by_text("3 élément(s) publié(s).").wait_for()
    assert_accessible(page)

    page.get_by_label("Sélectionner « Achetez nos formations »").check(force=True)
    page.locator("label[for=id_decision_1]").click()
    page.locator("#id_reason").select_option("spam")
    page.get_by_label("Message aux auteurs").fill("Les offres commerciales ne sont pas publiées.")
    page.get_by_role("button", name="Appliquer à la sélection").click()
    page.get_by_text("1 élément(s) refusé(s).").wait_for()
    page.get_by_text("Rien en attente de modération.").wait_for()
    assert_accessible(page)

    statuses = dict(Contribution.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: ModerationStatus.PUBLISHED,
        second.pk: ModerationStatus.PUBLISHED,
        spam.pk: ModerationStatus.REJECTED,
    }
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.PUBLISHED
    assert ModerationDecision.objects.count() == 4

    page.get_by_role("link", name="Journal de modération").first.click()
    page.get_by_role("heading", name="Journal de modération").wait_for()
    assert_accessible(page)
    assert (
        page.get_by_role("cell", name="Les offres commerciales ne sont pas publiées.").count() == 1
    )


def test_every_back_office_page_passes_the_accessibility_audit(page, sign_in, assert_accessible):
    from tests.factories.assises import HypothesisReviewFactory, MeetingFactory
    from tests.factories.egts import national_team_member

    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    group = WorkingGroupFactory(name="Coordination")
    meeting = MeetingFactory(group=group)
    hypothesis = HypothesisFactory()
    HypothesisReviewFactory(hypothesis=HypothesisFactory(), verdict="refined", argument="Oui")
    proposal = ProposalFactory(working_group=group)
    sign_in(lead)
    for path in [
        "/espace/grand-sud/",
        "/espace/grand-sud/copil/",
        "/espace/grand-sud/membres/",
        "/espace/grand-sud/groupes/",
        "/espace/grand-sud/groupes/nouveau/",
        f"/espace/groupes/{group.pk}/",
        f"/espace/reunions/{meeting.pk}/",
        "/espace/grand-sud/hypotheses/",
        f"/espace/grand-sud/hypotheses/{hypothesis.pk}/",
        "/espace/grand-sud/propositions/",
        "/espace/grand-sud/propositions/nouvelle/",
        f"/espace/propositions/{proposal.pk}/",
        "/espace/grand-sud/contributions-hors-ligne/",
        "/espace/grand-sud/contributions-hors-ligne/import/",
        "/espace/grand-sud/moderation/journal/",
    ]:
        page.goto(path)
        assert_accessible(page)

    # A form sent back with errors is audited too.
    page.goto("/espace/grand-sud/copil/")
    page.get_by_role("button", name="Enregistrer le point d'étape").click()
    page.locator(".fr-error-text").first.wait_for()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(national_team_member())
    for path in [
        "/espace/",
        "/espace/hypotheses/",
        "/espace/hypotheses/matrice/",
        "/espace/groupes-nationaux/",
        "/espace/groupes-nationaux/nouveau/",
        "/espace/moderation/",
    ]:
        page.goto(path)
        assert_accessible(page)
