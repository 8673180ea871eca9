"""The practices' permissions for each role of the démarche (role matrix)."""

import pytest

from egts.models import Role
from tests.factories.egts import UserFactory, copil_member, national_team_member
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "participant",
    "author",
    "copil_other_territory",
    "copil_member",
    "copil_lead",
    "national",
)


def _user(role, practice):
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser,
        "participant": UserFactory,
        "author": lambda: practice.author,
        "copil_other_territory": lambda: copil_member("grand-est"),
        "copil_member": lambda: copil_member("grand-sud"),
        "copil_lead": lambda: copil_member("grand-sud", role=Role.COPIL_LEAD),
        "national": national_team_member,
    }[role]()


def _allowed(permission, **practice_traits) -> set[str]:
    allowed = set()
    for role in ROLES:
        practice = PracticeFactory(**practice_traits)
        if _user(role, practice).has_perm(permission, practice):
            allowed.add(role)
    return allowed


MODERATORS = {"copil_member", "copil_lead", "national"}


def test_view_a_pending_practice():
    assert _allowed("practices.view_practice") == {"author"} | MODERATORS


def test_view_a_published_practice():
    assert _allowed("practices.view_practice", published=True) == set(ROLES)


def test_nobody_but_the_author_sees_a_draft():
    assert _allowed("practices.view_practice", draft=True) == {"author"}
    assert _allowed("practices.moderate_practice", draft=True) == set()


def test_edit_while_pending_or_changes_requested_only():
    assert _allowed("practices.change_practice") == {"author"}
    assert _allowed("practices.change_practice", changes_requested=True) == {"author"}
    assert _allowed("practices.change_practice", published=True) == set()
    assert _allowed("practices.change_practice", rejected=True) == set()


def test_moderate():
    assert _allowed("practices.moderate_practice") == MODERATORS


def test_a_national_practice_is_moderated_by_the_national_team_only():
    assert _allowed("practices.moderate_practice", national=True) == {"national"}


def test_feature_is_for_the_national_team():
    assert _allowed("practices.feature_practice", published=True) == {"national"}


def test_share_a_published_practice():
    assert _allowed("practices.share_practice", published=True) == MODERATORS
    assert _allowed("practices.share_practice") == set()


def test_shared_with_us_list():
    practice = PracticeFactory()
    allowed = {
        role for role in ROLES if _user(role, practice).has_perm("practices.view_shared_practice")
    }
    assert allowed == {"copil_other_territory", "copil_member", "copil_lead", "national"}
