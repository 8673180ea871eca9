"""The public pages of the contributions app, one module per kind of page."""

from .contributions import (
    contribution_detail,
    contribution_edit,
    contribution_list,
    contribution_moderate,
    contribution_submit,
)
from .questionnaires import questionnaire_answer, questionnaire_list, questionnaire_results_page

__all__ = [
    "contribution_detail",
    "contribution_edit",
    "contribution_list",
    "contribution_moderate",
    "contribution_submit",
    "questionnaire_answer",
    "questionnaire_list",
    "questionnaire_results_page",
]
