import pytest
from rest_framework.test import APIClient

from tests.factories.egts import UserFactory, copil_member, national_team_member

# The role matrix of STYLE.md: Grand Sud is "this" territory, Grand Nord "another".
ROLES = ["anonymous", "participant", "copil_other", "copil_member", "copil_lead", "national"]


def make_user(who: str):
    return {
        "anonymous": lambda: None,
        "participant": lambda: UserFactory(),
        "copil_other": lambda: copil_member("grand-nord"),
        "copil_member": lambda: copil_member("grand-sud"),
        "copil_lead": lambda: copil_member("grand-sud", role="copil_lead"),
        "national": lambda: national_team_member(),
    }[who]()


@pytest.fixture
def api_as():
    def client_for(who: str) -> APIClient:
        client = APIClient()
        user = make_user(who)
        if user is not None:
            client.force_authenticate(user)
        client.user = user
        return client

    return client_for
