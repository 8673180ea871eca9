"""The key pages are valid HTML for the Nu HTML Checker (the W3C's validator), in each role.

Every page is fetched through the real views, then all go to one run of the checker (the
JVM takes seconds to start).
"""

import pytest
from django.test import Client

from egts.models import Role
from tests.factories.assises import HypothesisFactory, HypothesisReviewFactory
from tests.factories.contributions import ContributionFactory, build_questionnaire
from tests.factories.egts import UserFactory, copil_member, national_team_member
from tests.factories.practices import PracticeFactory
from tests.fixtures.html_checker import nu_errors

pytestmark = pytest.mark.django_db

# An id with a space and django-dsfr's "dsfr" attribute: two of the errors the audit found.
CANARY = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>T</title></head>'
    '<body><a id="a b" href="/">lien</a><input dsfr="dsfr" name="x"></body></html>'
)

PUBLIC_PAGES = [
    "/",
    "/contributions/",
    "/pratiques/",
    "/compte/login/",
    "/compte/signup/",
    # The pages every State site must have.
    "/mentions-legales/",
    "/accessibilite/",
    "/donnees-personnelles/",
    "/gestion-des-cookies/",
    "/plan-du-site/",
]


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _html(client: Client, path: str, data: dict | None = None) -> str:
    response = client.post(path, data) if data is not None else client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def test_key_pages_have_no_html_error():
    practice = PracticeFactory(published=True, title="Accueil partagé")
    questionnaire = build_questionnaire(slug="recueil")
    ContributionFactory(title="En attente de modération")
    PracticeFactory(title="Pratique en attente")
    hypothesis = HypothesisFactory()
    HypothesisReviewFactory(hypothesis=HypothesisFactory())
    participant = UserFactory()
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    national = national_team_member()

    anonymous = _client()
    pages = {path: _html(anonymous, path) for path in PUBLIC_PAGES}
    pages[f"/pratiques/{practice.pk}/"] = _html(anonymous, f"/pratiques/{practice.pk}/")
    pages["questionnaire results"] = _html(
        anonymous, f"/questionnaires/{questionnaire.slug}/resultats/"
    )
    pages["login with an error"] = _html(
        anonymous, "/compte/login/", {"login": "personne@exemple.fr", "password": "faux"}
    )

    as_participant = _client(participant)
    pages["contribution form"] = _html(as_participant, "/contributions/contribuer/")
    pages["practice form"] = _html(as_participant, "/pratiques/proposer/")
    pages["contribution form with errors"] = _html(
        as_participant,
        "/contributions/contribuer/",
        {"kind": "proposal", "title": "Trop", "body": "x" * 10_001},
    )

    as_lead = _client(lead)
    pages["COPIL dashboard"] = _html(as_lead, "/espace/grand-sud/")
    pages["moderation queue"] = _html(as_lead, "/espace/grand-sud/moderation/")
    pages["review form"] = _html(as_lead, f"/espace/grand-sud/hypotheses/{hypothesis.pk}/")

    as_national = _client(national)
    pages["national dashboard"] = _html(as_national, "/espace/")
    pages["verdict matrix"] = _html(as_national, "/espace/hypotheses/matrice/")
    pages["national moderation queue"] = _html(as_national, "/espace/moderation/")
    pages["syntheses"] = _html(as_national, "/espace/synthese/")

    # A page known to be wrong goes through the same run: the check can fail.
    pages["canary"] = CANARY
    errors = nu_errors(pages)
    canary = errors.pop("canary")
    assert len(canary) == 2
    assert "An ID must not contain whitespace" in canary[0]
    assert "Attribute “dsfr” not allowed" in canary[1]
    invalid = {page: found for page, found in errors.items() if found}
    assert invalid == {}, "\n".join(
        f"{page}:\n  " + "\n  ".join(found) for page, found in invalid.items()
    )
