"""Pages of the action plan, by who uses them: the public plan (``public``), the national
team's back-office (``national``), each territory's local actions (``local``); ``common``
holds what they share."""

from .local import local_action_create, local_action_edit, local_action_progress, local_actions
from .national import axis_create, axis_edit, manage, measure_create, measure_edit, measure_progress
from .public import measure_detail, plan, plan_csv, preference_update

__all__ = [
    "plan",
    "measure_detail",
    "plan_csv",
    "preference_update",
    "manage",
    "axis_create",
    "axis_edit",
    "measure_create",
    "measure_edit",
    "measure_progress",
    "local_actions",
    "local_action_create",
    "local_action_edit",
    "local_action_progress",
]
