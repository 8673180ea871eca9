"""Who may do what in a territory's back-office.

Objects carry ``territory_id`` (a Territory works too). The national team sees and
acts everywhere, except where the issue reserves a decision to the COPIL lead
(validating proposals, submitting the report, recording checkpoints, members).
"""

import rules

from egts.rules import is_copil_lead_of, is_copil_of, is_national_team


@rules.predicate
def is_facilitator_of_group(user, group) -> bool:
    facilitator_id = getattr(group, "facilitator_id", None)
    return (
        facilitator_id is not None
        and getattr(user, "is_authenticated", False)
        and facilitator_id == user.pk
    )


@rules.predicate
def is_facilitator_of_meeting(user, meeting) -> bool:
    return meeting is not None and is_facilitator_of_group(user, meeting.group)


@rules.predicate
def is_facilitator_of_proposal(user, proposal) -> bool:
    return (
        proposal is not None
        and proposal.working_group_id is not None
        and is_facilitator_of_group(user, proposal.working_group)
    )


@rules.predicate
def is_draft(user, proposal) -> bool:
    return proposal is not None and proposal.status == "draft"


@rules.predicate
def is_national_group(user, group) -> bool:
    return group is not None and group.territory_id is None


copil_or_national = is_national_team | is_copil_of

# The territory's workspace (dashboard, checkpoints, members list, report).
rules.add_perm("assises.view_assise", copil_or_national)
rules.add_perm("assises.record_checkpoint", is_copil_lead_of)
rules.add_perm("assises.manage_members", is_copil_lead_of)
rules.add_perm("assises.submit_report", is_copil_lead_of)

# Working groups: the COPIL runs them, a facilitator works inside their own.
rules.add_perm("assises.view_workinggroup", copil_or_national | is_facilitator_of_group)
rules.add_perm("assises.add_workinggroup", copil_or_national)
rules.add_perm(
    "assises.change_workinggroup",
    (is_national_team & is_national_group) | is_copil_of,
)
rules.add_perm("assises.add_meeting", copil_or_national | is_facilitator_of_group)
rules.add_perm("assises.view_meeting", copil_or_national | is_facilitator_of_meeting)
rules.add_perm("assises.change_meeting", copil_or_national | is_facilitator_of_meeting)

# Hypotheses: the national team writes them, each COPIL reviews them.
rules.add_perm("assises.add_hypothesis", is_national_team)
rules.add_perm("assises.view_hypothesis_matrix", is_national_team)
rules.add_perm("assises.review_hypothesis", copil_or_national)

# Proposals: drafted in groups, validated by the lead, ranked by the COPIL.
rules.add_perm("assises.add_proposal", copil_or_national | is_facilitator_of_group)
rules.add_perm("assises.view_proposal", copil_or_national | is_facilitator_of_proposal)
rules.add_perm(
    "assises.change_proposal", is_draft & (copil_or_national | is_facilitator_of_proposal)
)
rules.add_perm("assises.validate_proposal", is_copil_lead_of)
rules.add_perm("assises.rank_proposal", is_copil_of)
rules.add_perm("assises.forward_proposal", is_copil_lead_of)

# Moderation and offline participation: the COPIL of the territory and the national team.
rules.add_perm("assises.moderate_assise", copil_or_national)
rules.add_perm("assises.enter_offline_contribution", copil_or_national)


@rules.predicate
def is_published_synthesis(user, synthesis) -> bool:
    return synthesis is not None and synthesis.published and synthesis.status == "done"


# The national synthesis: the national team builds and publishes it; published ones are public.
rules.add_perm("assises.request_synthesis", is_national_team)
rules.add_perm("assises.retry_synthesis", is_national_team)
rules.add_perm("assises.publish_synthesis", is_national_team)
rules.add_perm("assises.view_synthesis", is_national_team | is_published_synthesis)

# Exports: every territory for the national team, its own for a COPIL (object: a territory).
rules.add_perm("assises.export_data", copil_or_national)
