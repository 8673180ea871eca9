"""Browser journey of the action plan, each page audited by axe-core.

The national team turns two forwarded proposals of different territories into one
measure and records its progress; the public plan shows it; the author of a
contribution behind one of the proposals, who opted in, sees the measure in
« Mes contributions » and receives the e-mail.
"""

import pytest
from django.core import mail
from django.test import Client

from actionplan.models import Axis, Measure, Status
from tests.factories.actionplan import ForwardedProposalFactory
from tests.factories.assises import territory
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import UserFactory, national_team_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _reference_data():
    """Reference data and the nine assises, reloaded if a previous browser test lost them."""
    from importlib import import_module

    from django.apps import apps

    from assises.models import Assise
    from egts.models import Territory

    if not Territory.objects.exists():
        import_module("egts.migrations.0002_reference_data").load(apps, None)
    if Assise.objects.count() != Territory.objects.count():
        import_module("assises.migrations.0002_assises_for_territories").create_assises(apps, None)


@pytest.fixture
def sign_in(page, live_server):
    """Puts a session cookie in the browser (the login form has its own journey)."""

    def do(user):
        page.context.clear_cookies()
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


def test_national_team_builds_the_plan_and_the_contributor_follows_it(
    page, sign_in, assert_accessible
):
    south = ForwardedProposalFactory(title="Former ensemble plusieurs diplômes")
    rhone = ForwardedProposalFactory(
        title="Développer les stages croisés", territory=territory("rhone-alpes-auvergne")
    )
    contributor = UserFactory(email="contributrice@exemple.fr")
    contribution = ContributionFactory(
        published=True, author=contributor, title="Des modules communs aux diplômes"
    )
    south.related_contributions.add(contribution)

    # The contributor opts in to the e-mail from « Mes contributions ».
    sign_in(contributor)
    page.goto("/compte/mes-contributions/")
    page.get_by_role("heading", name="Ce que sont devenues mes contributions").wait_for()
    assert_accessible(page)
    page.get_by_label("Me prévenir par courriel").check(force=True)
    page.get_by_role("button", name="Enregistrer ma préférence").click()
    page.get_by_text("Vous serez prévenu par courriel").wait_for()
    assert_accessible(page)

    # The national team creates an axis, then a measure merging the two proposals.
    sign_in(national_team_member())
    page.goto("/espace/plan-d-action/")
    assert_accessible(page)
    page.get_by_role("link", name="Nouvel axe").click()
    page.get_by_label("Intitulé").fill("Rénover les formations")
    page.get_by_label("Description").fill("Des formations décloisonnées.")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("L'axe « Rénover les formations » est enregistré.").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Nouvelle mesure").click()
    page.locator("#id_axis").select_option(label="Rénover les formations")
    page.get_by_label("Intitulé").fill("Créer un socle commun aux formations")
    page.get_by_label("Description").fill("Un tronc commun et des stages croisés.")
    page.get_by_label("Pilote").fill("DGCS")
    page.get_by_label(f"Former ensemble plusieurs diplômes ({south.territory.name})").check(
        force=True
    )
    page.get_by_label(f"Développer les stages croisés ({rhone.territory.name})").check(force=True)
    page.get_by_label("Indicateur 1").fill("Diplômes partageant le socle")
    page.get_by_label("Unité 1").fill("diplômes")
    page.get_by_label("Valeur cible 1").fill("14")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Créer un socle commun aux formations", level=1).wait_for()
    assert_accessible(page)
    measure = Measure.objects.get()
    assert measure.axis == Axis.objects.get(title="Rénover les formations")
    assert sorted(measure.proposals.values_list("pk", flat=True)) == sorted([south.pk, rhone.pk])

    # Progress: the measure starts, with a first indicator reading.
    page.get_by_role("link", name="Enregistrer un point d'avancement").click()
    page.get_by_label("Date du point d'avancement").fill("2015-03-01")
    page.get_by_label("Statut").select_option("in_progress")
    page.get_by_label("Avancement (%)").fill("40")
    page.get_by_label("Ce qui a été fait").fill("Le référentiel du socle commun est rédigé.")
    page.get_by_label("Valeur relevée : Diplômes partageant le socle (diplômes)").fill("5")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer le point d'avancement").click()
    page.get_by_text("Le point d'avancement est enregistré.").wait_for()
    assert page.locator("#measure-status").text_content() == "En cours"
    assert (
        "Le référentiel du socle commun est rédigé."
        in page.locator("#measure-history").inner_text()
    )
    assert_accessible(page)
    measure.refresh_from_db()
    assert (measure.status, measure.progress) == (Status.IN_PROGRESS, 40)

    # The opted-in contributor got the e-mail.
    assert [m.to for m in mail.outbox] == [["contributrice@exemple.fr"]]
    assert "Statut : Prévue → En cours" in mail.outbox[0].body

    # The public plan page, for anyone.
    page.context.clear_cookies()
    page.goto("/plan-d-action/")
    card = page.locator(f"#mesure-{measure.pk}")
    assert "Créer un socle commun aux formations" in card.text_content()
    assert "En cours" in card.text_content()
    assert south.territory.name in card.text_content()
    assert rhone.territory.name in card.text_content()
    assert_accessible(page)

    # The contributor sees the measure in « Mes contributions » and on the contribution.
    sign_in(contributor)
    page.goto("/compte/mes-contributions/")
    section = page.locator("#suivi-contributions")
    assert "Créer un socle commun aux formations" in section.text_content()
    assert "En cours" in section.text_content()
    assert_accessible(page)
    page.goto(contribution.get_absolute_url())
    page.get_by_role("link", name="Créer un socle commun aux formations").wait_for()
    assert_accessible(page)


def test_copil_follows_up_locally_and_anyone_browses_the_documentation(
    page, sign_in, assert_accessible
):
    from tests.factories.documents import DocumentFactory
    from tests.factories.egts import copil_member

    DocumentFactory(title="Guide de méthode des assises", territorial=True)
    sign_in(copil_member("grand-sud"))

    page.goto("/espace/grand-sud/suivi/")
    assert_accessible(page)
    page.get_by_role("link", name="Nouvelle action locale").click()
    page.get_by_label("Intitulé").fill("Réseau régional des formateurs")
    page.get_by_label("Description").fill("Une rencontre par trimestre.")
    page.get_by_label("Pilote").fill("COPIL Grand Sud")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Réseau régional des formateurs").wait_for()
    assert_accessible(page)

    page.context.clear_cookies()
    page.goto("/territoires/grand-sud/")
    follow_up = page.locator("#suivi")
    assert "Réseau régional des formateurs" in follow_up.text_content()
    assert_accessible(page)

    page.goto("/documentation/")
    assert_accessible(page)
    page.get_by_label("Rechercher").fill("méthode")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.get_by_role("link", name="Guide de méthode des assises").click()
    page.get_by_role("heading", name="Guide de méthode des assises", level=1).wait_for()
    assert_accessible(page)


def test_national_team_files_shares_and_publishes_a_document(page, sign_in, assert_accessible):
    from documents.models import Document
    from tests.factories.actionplan import IndicatorFactory, MeasureFactory

    measure = MeasureFactory(title="Socle commun")
    IndicatorFactory(measure=measure, label="Diplômes")
    sign_in(national_team_member())

    page.goto(f"/espace/plan-d-action/mesures/{measure.pk}/modifier/")
    page.get_by_label("Indicateur 1", exact=True).wait_for()
    assert_accessible(page)

    page.goto("/documentation/")
    page.get_by_role("link", name="Ajouter un document").click()
    page.get_by_label("Titre").fill("Rapport de l'état des lieux")
    page.get_by_label("Type de document").select_option("report")
    page.get_by_label("Auteur ou organisme").fill("Équipe nationale")
    page.get_by_label("Date du document").fill("2013-09-30")
    page.get_by_label("Résumé").fill("Les études existantes sur le travail social.")
    page.get_by_label("Lien", exact=True).fill("https://exemple.fr/rapport.pdf")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Rapport de l'état des lieux", level=1).wait_for()
    assert_accessible(page)
    document = Document.objects.get()
    assert (document.territory, document.is_public) == (None, False)

    page.get_by_role("link", name="Partager avec des territoires").click()
    page.get_by_label(territory("reunion-mayotte").name).check(force=True)
    assert_accessible(page)
    page.get_by_role("button", name="Partager").click()
    page.get_by_text("Document partagé avec 1 territoire(s).").wait_for()
    page.get_by_role("button", name="Rendre public").click()
    page.get_by_text("Le document est public.").wait_for()
    assert_accessible(page)
    document.refresh_from_db()
    assert document.is_public is True
    assert list(document.shares.values_list("territory__slug", flat=True)) == ["reunion-mayotte"]
