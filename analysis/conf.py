"""The analysis pipeline's tunables, read from Django settings with sensible defaults.

They are copied into each run's ``parameters`` when it is requested: the workers read
them from the run, never from their own settings, so every worker sharing a run works
with the same values, and a run can be reproduced from what it recorded.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # The topic model is fitted on at most this many texts, spread evenly over the
    # documents in id order (deterministic); every document is then assigned in chunks.
    "sample_size": 20_000,
    # Documents per assignment task: small enough that several workers share a run and
    # a redelivered chunk costs little, large enough that per-task overhead stays small.
    "chunk_size": 5_000,
    "max_topics": 30,
    "seed": 0,
    # Estimated Jaccard similarity above which two texts are near-copies (one campaign).
    "campaign_threshold": 0.8,
    # A campaign is a group of at least this many near-identical texts.
    "campaign_min_size": 2,
    # Texts per topic handed to the quote picker (the best-weighted ones).
    "quote_candidates": 300,
    "quotes_per_topic": 5,
    # Questionnaire free-text answers count in topics (never quoted: they are not moderated).
    "include_answers": True,
}


def run_parameters() -> dict:
    """Today's parameters for a new run (settings ``ANALYSIS_<NAME>`` override the defaults)."""
    return {
        name: getattr(settings, f"ANALYSIS_{name.upper()}", default)
        for name, default in DEFAULTS.items()
    }


def stale_after_seconds() -> int:
    """A running run whose workers have been silent this long has lost them (see
    analyses_fail_stale). Longer than any one task may legitimately last between beats."""
    return getattr(
        settings,
        "ANALYSIS_STALE_SECONDS",
        max(900, settings.CELERY_TASK_TIME_LIMIT + 60),
    )


def heartbeat_seconds() -> float:
    return float(getattr(settings, "ANALYSIS_HEARTBEAT_SECONDS", 20))
