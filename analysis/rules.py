"""Who may analyse which texts, and review the topics that come out.

The national team works on every scope; a COPIL member (lead or member) on their own
territory's runs only. A national run (no territory) is the national team's alone:
``is_copil_of`` never matches an object without a territory. Objects are a run, a
topic or a quote (all expose ``territory_id``), or for starting a run the territory it
would cover (``None`` for all territories).
"""

import rules

from egts.rules import is_copil_of, is_national_team


@rules.predicate
def is_published_run(user, run) -> bool:
    return run is not None and run.published_at is not None and run.status == "done"


analysts = is_national_team | is_copil_of

rules.add_perm("analysis.request_analysisrun", analysts)
rules.add_perm("analysis.view_analysisrun", analysts)
rules.add_perm("analysis.retry_analysisrun", analysts)
rules.add_perm("analysis.change_topic", analysts)
rules.add_perm("analysis.change_quote", analysts)
# The contributions of a topic: as the run, or anyone once a published synthesis uses it.
rules.add_perm("analysis.list_topic_contributions", analysts | is_published_run)
