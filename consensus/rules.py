"""Who may do what with statements: predicates named ``consensus.<verb>_<model>``.

A predicate takes ``(user, obj)``; statements, paper tallies and territories all give
their territory through ``territory_id`` (or are one), as ``egts.rules`` expects.
"""

from __future__ import annotations

import rules

from egts.moderation import ModerationStatus
from egts.rules import can_moderate_territory, is_copil_of, is_national_team


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_author(user, statement) -> bool:
    return (
        statement is not None
        and getattr(user, "is_authenticated", False)
        and statement.author_id == user.pk
    )


@rules.predicate
def is_published(user, statement) -> bool:
    return statement is not None and statement.status == ModerationStatus.PUBLISHED


rules.add_perm("consensus.add_statement", is_signed_in)
# Publishing at once, without the queue: the national team anywhere, a COPIL in its
# territory (the object is the statement's territory, None for a national one).
rules.add_perm("consensus.publish_statement", can_moderate_territory)
rules.add_perm("consensus.view_statement", is_published | is_author | can_moderate_territory)
rules.add_perm("consensus.moderate_statement", can_moderate_territory)
rules.add_perm("consensus.vote_statement", is_published)
# Paper tallies are entered by the COPIL of the assise where the vote took place.
rules.add_perm("consensus.add_papertally", is_copil_of)
# The object is the scope's territory, None for the national scope.
rules.add_perm("consensus.refresh_results", is_national_team | is_copil_of)
