"""Who may do what in the documentation centre: the national team and the COPILs publish;
anyone reads public documents; a territory's back-office users read its own and the ones
shared with it."""

import rules

from egts.rules import copil_territory_ids, is_copil_of, is_national_team, member_territory_ids


@rules.predicate
def has_copil_role(user) -> bool:
    return bool(copil_territory_ids(user))


@rules.predicate
def is_public(user, document) -> bool:
    return document is not None and document.is_public


@rules.predicate
def is_shared_with_my_territory(user, document) -> bool:
    if document is None:
        return False
    territory_ids = member_territory_ids(user)
    return bool(territory_ids) and document.shares.filter(territory_id__in=territory_ids).exists()


@rules.predicate
def is_member_of_its_territory(user, document) -> bool:
    return (
        document is not None
        and document.territory_id is not None
        and document.territory_id in member_territory_ids(user)
    )


# A national document (no territory) is the national team's alone: is_copil_of needs one.
can_edit = is_national_team | is_copil_of

rules.add_perm("documents.add_document", is_national_team | has_copil_role)
rules.add_perm(
    "documents.view_document",
    is_public | is_national_team | is_member_of_its_territory | is_shared_with_my_territory,
)
rules.add_perm("documents.change_document", can_edit)
rules.add_perm("documents.publish_document", can_edit)
rules.add_perm("documents.share_document", can_edit)
