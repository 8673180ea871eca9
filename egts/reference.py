"""The démarche's reference data (themes, policies, departments), held in each process's memory.

It comes from the démarche's own files (migration 0002) and changes only with a new release of
them, yet every contribution and every questionnaire response names some of it. Looking it up
in memory spares each submission one query per code. A copy lives at most
``REFERENCE_CACHE_SECONDS`` and is dropped at once when this process saves or deletes a row.

The objects returned are shared between requests: read them, never change them.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from .models import Department, Policy, Region, Territory, Theme

_lock = threading.Lock()
_loaded_at = float("-inf")
_tables: dict[str, dict] = {}


def _load() -> dict[str, dict]:
    global _loaded_at, _tables
    with _lock:
        if time.monotonic() - _loaded_at < settings.REFERENCE_CACHE_SECONDS:
            return _tables
        _tables = {
            "themes": {theme.code: theme for theme in Theme.objects.all()},
            "policies": {policy.code: policy for policy in Policy.objects.all()},
            "departments": {
                department.code: department
                for department in Department.objects.select_related("region__territory")
            },
        }
        _loaded_at = time.monotonic()
        return _tables


def _table(name: str) -> dict:
    if time.monotonic() - _loaded_at >= settings.REFERENCE_CACHE_SECONDS:
        return _load()[name]
    return _tables[name]


def themes() -> dict[str, Theme]:
    return _table("themes")


def policies() -> dict[str, Policy]:
    return _table("policies")


def departments() -> dict[str, Department]:
    """Each with its region and territory loaded (no query for ``.region.territory``)."""
    return _table("departments")


def forget(**_kwargs) -> None:
    """Drops this process's copy; the next lookup reads the database again."""
    global _loaded_at
    _loaded_at = float("-inf")


for _model in (Theme, Policy, Department, Region, Territory):
    post_save.connect(
        forget, sender=_model, dispatch_uid=f"reference-forget-save-{_model.__name__}"
    )
    post_delete.connect(
        forget, sender=_model, dispatch_uid=f"reference-forget-delete-{_model.__name__}"
    )
