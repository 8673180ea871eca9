"""Who may do what with practices: predicates named ``practices.<verb>_practice``."""

from __future__ import annotations

import rules

from egts.moderation import ModerationStatus
from egts.rules import can_moderate_territory, copil_territory_ids, is_copil_of, is_national_team


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_author(user, practice) -> bool:
    return (
        practice is not None
        and getattr(user, "is_authenticated", False)
        and practice.author_id == user.pk
    )


@rules.predicate
def is_published(user, practice) -> bool:
    return (
        practice is not None
        and not practice.is_draft
        and practice.status == ModerationStatus.PUBLISHED
    )


@rules.predicate
def is_submitted(user, practice) -> bool:
    """Sent to moderation at least once: drafts stay out of every moderator's reach."""
    return practice is not None and not practice.is_draft


@rules.predicate
def is_editable(user, practice) -> bool:
    return practice is not None and practice.is_editable_by_author


@rules.predicate
def has_copil_role(user) -> bool:
    return bool(copil_territory_ids(user))


can_moderate = is_submitted & can_moderate_territory

rules.add_perm("practices.add_practice", is_signed_in)
rules.add_perm("practices.view_practice", is_published | is_author | can_moderate)
# The moderation status and the private contact are for those who follow the item.
rules.add_perm("practices.view_status_practice", is_author | can_moderate)
rules.add_perm("practices.change_practice", is_author & is_editable)
# National practices (no territory) fall to the national team: is_copil_of needs a territory.
rules.add_perm("practices.moderate_practice", can_moderate)
rules.add_perm("practices.feature_practice", is_submitted & is_national_team)
rules.add_perm("practices.share_practice", is_published & (is_national_team | is_copil_of))
rules.add_perm("practices.view_shared_practice", is_national_team | has_copil_role)
