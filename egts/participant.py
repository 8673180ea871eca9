"""What each app contributes to a participant's own space, without egts importing the apps.

An app registers, in its AppConfig.ready():
- a *section* of "Mes contributions": ``register_section(key, title, items)`` where
  ``items(user)`` returns a list of ``ParticipantItem`` (one query or a few, never per row);
- an *export*: ``register_export(key, export)`` where ``export(user)`` returns JSON-ready data;
- an *erasure*: ``register_erasure(key, erase)`` where ``erase(user)`` detaches what must stay
  published (anonymised) and deletes the rest, before the account itself is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ParticipantItem:
    kind: str  # "contribution", "practice"…
    title: str
    status: str  # a ModerationStatus value
    status_label: str
    submitted_at: Any
    url: str = ""
    edit_url: str = ""  # set while the author may still edit it
    reason: str = ""  # human-readable rejection reason
    message: str = ""  # moderator's message to the author
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: Callable[[Any], list[ParticipantItem]]


SECTIONS: dict[str, Section] = {}
EXPORTS: dict[str, Callable[[Any], Any]] = {}
ERASURES: dict[str, Callable[[Any], None]] = {}


def register_section(key: str, title: str, items: Callable[[Any], list[ParticipantItem]]) -> None:
    SECTIONS[key] = Section(key, title, items)


def register_export(key: str, export: Callable[[Any], Any]) -> None:
    EXPORTS[key] = export


def register_erasure(key: str, erase: Callable[[Any], None]) -> None:
    ERASURES[key] = erase
