"""The analysis app's models, one module per concern; every name is importable from here.

- ``runs``: a run, versioned per scope, and the chunks its documents are cut into.
- ``topics``: what a run found: topics, shares, campaigns, memberships, quotes.
- ``edits``: people's edits of topics and quotes, carried over to the next run.
- ``signatures``: MinHash signatures and LSH bands of published contributions.
- ``screening``: what the screening of an incoming contribution or practice found.
"""

from .edits import EditAction, TopicEdit
from .runs import (
    AnalysisChunk,
    AnalysisRun,
    AnalysisRunQuerySet,
    ChunkStatus,
    DocumentKind,
    RunPhase,
    RunStatus,
    scope_key,
)
from .screening import ModerationCheck, NearCopy, PracticeCheck
from .signatures import SignatureBand, TextSignature
from .topics import (
    SUPPRESSION_THRESHOLD,
    Campaign,
    Quote,
    QuoteQuerySet,
    ShareDimension,
    Topic,
    TopicMembership,
    TopicQuerySet,
    TopicShare,
)

__all__ = [
    "SUPPRESSION_THRESHOLD",
    "AnalysisChunk",
    "AnalysisRun",
    "AnalysisRunQuerySet",
    "Campaign",
    "ChunkStatus",
    "DocumentKind",
    "EditAction",
    "ModerationCheck",
    "NearCopy",
    "PracticeCheck",
    "Quote",
    "QuoteQuerySet",
    "RunPhase",
    "RunStatus",
    "ShareDimension",
    "SignatureBand",
    "TextSignature",
    "Topic",
    "TopicEdit",
    "TopicMembership",
    "TopicQuerySet",
    "TopicShare",
    "scope_key",
]
