"""Business permissions are decided by the rules alone; ``is_superuser`` opens the admin only.

The audit's finding: the demo's national account, a superuser, validated a grand-sud
proposal through the API, a decision the rules reserve to that COPIL's lead. Django's
``PermissionsMixin.has_perm`` answers True for any active superuser before asking the
rules; ``User.has_perm`` now asks the rules alone for every permission they declare.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assises.models import Assise, ProposalStatus
from egts.demo import NATIONAL_EMAIL
from egts.models import Territory, User
from tests.factories.assises import ProposalFactory, people
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import UserFactory
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "participant",
    "superuser",  # technical administrator only: no national role, no COPIL
    "other_copil",
    "member",
    "lead",
    "national",
    "national_superuser",  # the demo's national account
]


@pytest.fixture
def roles():
    accounts = people()
    accounts["superuser"] = UserFactory(is_staff=True, is_superuser=True)
    accounts["national_superuser"] = UserFactory(national=True, is_staff=True, is_superuser=True)
    return accounts


@pytest.fixture
def objects():
    grand_sud = Territory.objects.get(slug="grand-sud")
    return {
        "proposal": ProposalFactory(),
        "assise": Assise.objects.get(territory=grand_sud),
        "territory": grand_sud,
        "contribution": ContributionFactory(),  # pending, by someone else, in grand-sud
        "practice": PracticeFactory(),  # submitted, by someone else, in grand-sud
        "published_practice": PracticeFactory(published=True),
    }


YES, NO = True, False
# permission, object: expected per role, in the order of ROLES.
MATRIX = {
    ("assises.validate_proposal", "proposal"): [NO, NO, NO, NO, NO, YES, NO, NO],
    ("assises.forward_proposal", "assise"): [NO, NO, NO, NO, NO, YES, NO, NO],
    ("assises.record_checkpoint", "assise"): [NO, NO, NO, NO, NO, YES, NO, NO],
    ("assises.manage_members", "assise"): [NO, NO, NO, NO, NO, YES, NO, NO],
    ("assises.submit_report", "assise"): [NO, NO, NO, NO, NO, YES, NO, NO],
    ("assises.rank_proposal", "assise"): [NO, NO, NO, NO, YES, YES, NO, NO],
    ("assises.view_assise", "assise"): [NO, NO, NO, NO, YES, YES, YES, YES],
    ("assises.request_synthesis", None): [NO, NO, NO, NO, NO, NO, YES, YES],
    ("assises.add_hypothesis", None): [NO, NO, NO, NO, NO, NO, YES, YES],
    ("egts.change_territory", "territory"): [NO, NO, NO, NO, NO, NO, YES, YES],
    ("egts.view_back_office", None): [NO, NO, NO, YES, YES, YES, YES, YES],
    ("contributions.moderate_contribution", "contribution"): [NO, NO, NO, NO, YES, YES, YES, YES],
    # Only its author edits a pending contribution: not the national team, not a superuser.
    ("contributions.change_contribution", "contribution"): [NO, NO, NO, NO, NO, NO, NO, NO],
    ("practices.moderate_practice", "practice"): [NO, NO, NO, NO, YES, YES, YES, YES],
    ("practices.feature_practice", "practice"): [NO, NO, NO, NO, NO, NO, YES, YES],
    ("practices.change_practice", "practice"): [NO, NO, NO, NO, NO, NO, NO, NO],
    ("practices.share_practice", "published_practice"): [NO, NO, NO, NO, YES, YES, YES, YES],
    ("actionplan.add_measure", None): [NO, NO, NO, NO, NO, NO, YES, YES],
}


@pytest.mark.parametrize(("perm", "target"), list(MATRIX))
def test_role_matrix_of_business_permissions(roles, objects, perm, target):
    obj = objects[target] if target else None
    answers = [(roles[role] or AnonymousUser()).has_perm(perm, obj) for role in ROLES]
    assert dict(zip(ROLES, answers, strict=True)) == dict(
        zip(ROLES, MATRIX[(perm, target)], strict=True)
    )


def _token(user: User) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def _api(user: User) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token(user)}")
    return api


def test_the_national_superuser_token_cannot_validate_a_grand_sud_proposal(roles, objects):
    proposal = objects["proposal"]
    for role in ("national_superuser", "superuser"):
        response = _api(roles[role]).post(f"/api/v1/proposals/{proposal.pk}/validate/")
        assert response.status_code in (403, 404), role
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT

    response = _api(roles["lead"]).post(f"/api/v1/proposals/{proposal.pk}/validate/")
    assert response.status_code == 200
    assert response.json()["status"] == "validated"


def test_a_superuser_moderates_nothing_through_the_api(roles, objects):
    contribution = objects["contribution"]
    response = _api(roles["superuser"]).post(
        f"/api/v1/contributions/{contribution.pk}/moderation/", {"decision": "publish"}
    )
    assert response.status_code in (403, 404)
    contribution.refresh_from_db()
    assert contribution.status == "pending"


def test_the_superuser_still_has_the_whole_technical_admin(client, roles, objects):
    client.force_login(roles["superuser"])
    base = "/admin-technique"
    for url in (
        f"{base}/",
        f"{base}/egts/user/",
        f"{base}/contributions/contribution/{objects['contribution'].pk}/change/",
        f"{base}/practices/practice/{objects['practice'].pk}/change/",
        f"{base}/assises/proposal/{objects['proposal'].pk}/change/",
        f"{base}/egts/territory/{objects['territory'].pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'type="submit"' in response.content.decode() or url.endswith("/"), url
    # The change form can be saved: Django's model permissions hold inside the admin.
    page = client.get(f"{base}/contributions/contribution/{objects['contribution'].pk}/change/")
    assert 'name="_save"' in page.content.decode()


def test_the_demo_national_account_keeps_what_the_national_team_may_do(settings, objects):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    national = User.objects.get(email=NATIONAL_EMAIL)
    assert national.is_national_team
    api = _api(national)

    # Moderating any territory, requesting a synthesis: the national team's own work.
    contribution = objects["contribution"]
    response = api.post(
        f"/api/v1/contributions/{contribution.pk}/moderation/", {"decision": "publish"}
    )
    assert response.status_code == 200, response.content
    assert api.get("/api/v1/moderation/?territory=grand-sud").status_code == 200
    assert api.post("/api/v1/syntheses/", {}, format="json").status_code == 202
    # The COPIL lead's decision is not: refused, and the proposal is unchanged.
    proposal = objects["proposal"]
    assert api.post(f"/api/v1/proposals/{proposal.pk}/validate/").status_code in (403, 404)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
