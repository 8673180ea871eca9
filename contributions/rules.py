"""Who may do what with contributions: predicates named ``contributions.<verb>_<model>``."""

from __future__ import annotations

import rules

from egts.moderation import ModerationStatus
from egts.rules import can_moderate_territory


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_author(user, contribution) -> bool:
    return (
        contribution is not None
        and getattr(user, "is_authenticated", False)
        and contribution.author_id == user.pk
    )


@rules.predicate
def is_published(user, contribution) -> bool:
    return contribution is not None and contribution.status == ModerationStatus.PUBLISHED


@rules.predicate
def is_pending(user, contribution) -> bool:
    return contribution is not None and contribution.status == ModerationStatus.PENDING


rules.add_perm("contributions.add_contribution", is_signed_in)
rules.add_perm("contributions.view_contribution", is_published | is_author | can_moderate_territory)
# The moderation status is shown to those who follow the item, never to the public.
rules.add_perm("contributions.view_status_contribution", is_author | can_moderate_territory)
rules.add_perm("contributions.change_contribution", is_author & is_pending)
# National items (no territory) fall to the national team only: is_copil_of needs a territory.
rules.add_perm("contributions.moderate_contribution", can_moderate_territory)
