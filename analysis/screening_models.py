"""Kept so that ``from analysis.screening_models import …`` still works: the screening
models now live in ``analysis/models/screening.py``."""

from .models.screening import ModerationCheck, NearCopy, PracticeCheck

__all__ = ["ModerationCheck", "NearCopy", "PracticeCheck"]
