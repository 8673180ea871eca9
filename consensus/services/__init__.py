"""Every write of the consensus app: statements, votes, paper tallies, result refreshes."""

from .refresh import results_refresh_request  # noqa: F401
from .statements import statement_moderate, statement_submit  # noqa: F401
from .tallies import PaperTallyError, paper_tallies_record  # noqa: F401
from .votes import vote_cast, voter_key  # noqa: F401
