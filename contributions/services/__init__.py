"""Every write of the contributions app: submit, edit, moderate, answer a questionnaire."""

from .moderation import contribution_moderate, contributions_bulk_moderate  # noqa: F401
from .questionnaires import (  # noqa: F401
    _held_questionnaires,
    forget_questionnaires,
    is_shown,
    questionnaire_for_answers,
    questionnaire_questions,
    response_submit,
    validate_answers,
)
from .submissions import (  # noqa: F401
    RESUBMISSION_WINDOW,
    contribution_submit,
    contribution_update,
    refresh_search_vectors,
)
