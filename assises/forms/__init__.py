"""Back-office forms: they validate, services act (one module per part of the work)."""

from .base import (
    DATE_WIDGET,
    RENDERER,
    DsfrBaseForm,
    MultipleFileField,
    MultipleFileInput,
)
from .diagnosis import HypothesisForm, HypothesisReviewForm, ProposalForm, RankForm
from .groups import (
    AccountForInvitationForm,
    CheckpointForm,
    InvitationForm,
    MeetingForm,
    OutsideParticipantForm,
    WorkingGroupForm,
)
from .offline import BulkModerationForm, OfflineContributionForm, OfflineImportForm, _binary_kind

__all__ = [
    "RENDERER",
    "DsfrBaseForm",
    "DATE_WIDGET",
    "MultipleFileInput",
    "MultipleFileField",
    "CheckpointForm",
    "InvitationForm",
    "AccountForInvitationForm",
    "WorkingGroupForm",
    "OutsideParticipantForm",
    "MeetingForm",
    "HypothesisForm",
    "HypothesisReviewForm",
    "ProposalForm",
    "RankForm",
    "OfflineContributionForm",
    "OfflineImportForm",
    "_binary_kind",
    "BulkModerationForm",
]
