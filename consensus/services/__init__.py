"""Every write of the consensus app: statements, votes, paper tallies, result refreshes."""

from .refresh import results_refresh_request  # noqa: F401
from .statements import (  # noqa: F401
    statement_moderate,
    statement_submit,
    statements_bulk_moderate,
)
from .tallies import PaperTallyError, paper_tallies_record  # noqa: F401
from .votes import vote_cast, voter_key  # noqa: F401
