"""Browser journeys: submit a contribution, browse and search published ones."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.factories.contributions import ContributionFactory
from tests.factories.egts import UserFactory, national_team_member

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


def sign_in(page, live_server, user):
    """Session cookie from Django's test client: the login page belongs to another journey."""
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


def test_submit_a_contribution_and_see_it_pending(page, live_server, assert_accessible):
    user = UserFactory(actor_category="benevoles")
    sign_in(page, live_server, user)
    page.goto("/contributions/contribuer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contribuer")
    assert_accessible(page)

    page.get_by_label("Proposition").check(force=True)
    page.get_by_label("Titre").fill("Un référent unique pour chaque famille")
    page.get_by_label("Votre texte").fill(
        "Un seul interlocuteur qui coordonne les aides éviterait aux familles "
        "de répéter leur histoire."
    )
    page.get_by_label("Place des usagers").check(force=True)
    page.get_by_label("Département").select_option("13")
    page.get_by_role("button", name="Envoyer ma contribution").click()

    expect(page).to_have_url(re.compile(r"/compte/mes-contributions/$"))
    expect(
        page.get_by_role("link", name="Un référent unique pour chaque famille", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("En attente de modération").first).to_be_visible()
    assert_accessible(page)


def test_browse_and_search_published_contributions(page, assert_accessible):
    ContributionFactory(
        published=True,
        title="Le logement des jeunes sortant de l'aide sociale à l'enfance",
        body="Trop de jeunes se retrouvent sans solution de logement à leur majorité.",
    )
    ContributionFactory(
        published=True,
        title="Former ensemble les métiers du social",
        body="Des formations communes aideraient à mieux coopérer au quotidien.",
    )
    ContributionFactory(title="Une contribution encore en attente de relecture")
    page.goto("/contributions/")
    expect(page.get_by_role("heading", name="2 contributions")).to_be_visible()
    expect(page.get_by_text("encore en attente")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Rechercher").fill("logements")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", name="1 contribution")).to_be_visible()
    page.get_by_role("link", name=re.compile("Le logement des jeunes")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Le logement des jeunes sortant de l'aide sociale à l'enfance"
    )
    expect(page.get_by_text("Trop de jeunes se retrouvent")).to_be_visible()
    assert_accessible(page)


def test_moderator_publishes_a_redacted_text(page, live_server, assert_accessible):
    contribution = ContributionFactory(
        title="Un accueil plus simple",
        body="Appelez Mme Martin au 06 12 34 56 78 : elle connaît bien le dossier.",
        flags=["phone"],
    )
    sign_in(page, live_server, national_team_member())
    page.goto(f"/contributions/{contribution.pk}/moderer/")
    expect(page.get_by_text("Signalement automatique")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Publier").check(force=True)
    page.get_by_label("Texte publié").fill("Appelez le service : il connaît bien le dossier.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée : Publiée.")).to_be_visible()
    expect(page.get_by_text("Appelez le service : il connaît bien le dossier.")).to_be_visible()
    assert_accessible(page)
