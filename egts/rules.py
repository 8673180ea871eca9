"""Predicates every app builds its permissions from: who acts for which territory.

A predicate takes ``(user, obj)``; objects expose ``territory_id`` (None means
national). A user's roles are read once per user object and kept on it, so a
page that checks fifty rows makes one query, not fifty.
"""

from __future__ import annotations

import rules

from .models import COPIL_ROLES, Membership, Role


def roles_by_territory(user) -> dict[int, str]:
    """{territory_id: role} for a signed-in user, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_egts_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("territory_id", "role"))
        user._egts_roles = cached
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after a membership change."""
    if hasattr(user, "_egts_roles"):
        del user._egts_roles


def copil_territory_ids(user) -> set[int]:
    return {tid for tid, role in roles_by_territory(user).items() if role in COPIL_ROLES}


def member_territory_ids(user) -> set[int]:
    return set(roles_by_territory(user))


def _territory_id_of(obj) -> int | None:
    if obj is None:
        return None
    if hasattr(obj, "territory_id"):
        return obj.territory_id
    return getattr(obj, "pk", None)  # a Territory itself


@rules.predicate
def is_national_team(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_national_team)


@rules.predicate
def is_back_office_user(user) -> bool:
    return bool(is_national_team(user) or roles_by_territory(user))


@rules.predicate
def is_copil_of(user, obj) -> bool:
    """COPIL lead or member of the object's territory (a national object has none)."""
    territory_id = _territory_id_of(obj)
    return territory_id is not None and territory_id in copil_territory_ids(user)


@rules.predicate
def is_copil_lead_of(user, obj) -> bool:
    territory_id = _territory_id_of(obj)
    return (
        territory_id is not None and roles_by_territory(user).get(territory_id) == Role.COPIL_LEAD
    )


@rules.predicate
def is_member_of(user, obj) -> bool:
    """Any role (COPIL or facilitator) in the object's territory."""
    territory_id = _territory_id_of(obj)
    return territory_id is not None and territory_id in roles_by_territory(user)


can_moderate_territory = is_national_team | is_copil_of

rules.add_perm("egts.change_territory", is_national_team)
rules.add_perm("egts.view_back_office", is_back_office_user)
