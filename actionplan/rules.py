"""Who may do what with the action plan: the national team builds and follows the plan;
each territory's COPIL (and the national team) follows its own local actions."""

import rules

from egts.rules import is_copil_of, is_national_team

copil_or_national = is_national_team | is_copil_of

# The national plan: built and followed by the national team, read by anyone.
rules.add_perm("actionplan.view_measure", rules.always_allow)
rules.add_perm("actionplan.add_axis", is_national_team)
rules.add_perm("actionplan.change_axis", is_national_team)
rules.add_perm("actionplan.add_measure", is_national_team)
rules.add_perm("actionplan.change_measure", is_national_team)
rules.add_perm("actionplan.follow_measure", is_national_team)

# Local actions: the object is the territory (to add) or the action itself (to change).
rules.add_perm("actionplan.view_localaction", rules.always_allow)
rules.add_perm("actionplan.manage_localaction", copil_or_national)
rules.add_perm("actionplan.add_localaction", copil_or_national)
rules.add_perm("actionplan.change_localaction", copil_or_national)
