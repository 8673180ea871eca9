"""The territories' back-office: assises, checkpoints, invitations, working groups,
hypotheses, proposals and territorial reports.

Every territorial object carries ``territory`` directly (an assise is one per
territory), so the shared predicates of ``egts.rules`` apply to all of them.
"""

from .base import TerritorialQuerySet
from .diagnosis import (
    Hypothesis,
    HypothesisQuerySet,
    HypothesisReview,
    Level,
    Priority,
    Proposal,
    ProposalQuerySet,
    ProposalStatus,
    ReportQuerySet,
    TerritorialReport,
    Verdict,
    report_pdf_path,
)
from .groups import (
    Meeting,
    MeetingDocument,
    OutsideParticipant,
    Scale,
    WorkingGroup,
    WorkingGroupQuerySet,
    meeting_document_path,
)
from .synthesis import Synthesis, SynthesisQuerySet, SynthesisStatus, synthesis_pdf_path
from .workspace import (
    STAGE_ORDER,
    Assise,
    AssiseQuerySet,
    AssiseStage,
    Checkpoint,
    CheckpointOutcome,
    Invitation,
    InvitationQuerySet,
    OfflineEntry,
)

__all__ = [
    "STAGE_ORDER",
    "Assise",
    "AssiseQuerySet",
    "AssiseStage",
    "Checkpoint",
    "CheckpointOutcome",
    "Hypothesis",
    "HypothesisQuerySet",
    "HypothesisReview",
    "Invitation",
    "InvitationQuerySet",
    "Level",
    "Meeting",
    "MeetingDocument",
    "OfflineEntry",
    "OutsideParticipant",
    "Priority",
    "Proposal",
    "ProposalQuerySet",
    "ProposalStatus",
    "ReportQuerySet",
    "Scale",
    "Synthesis",
    "SynthesisQuerySet",
    "SynthesisStatus",
    "TerritorialQuerySet",
    "TerritorialReport",
    "Verdict",
    "WorkingGroup",
    "WorkingGroupQuerySet",
    "meeting_document_path",
    "report_pdf_path",
    "synthesis_pdf_path",
]
