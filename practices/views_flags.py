"""The flagged fragments a moderator reads on a practice's moderation page.

The page marks what the patterns and the titled names find again now, and where the
person names that ``analysis.tasks.screen_practice_names`` found (kept in
``analysis.PracticeCheck``) occur (``egts.moderation.flagged_fragments``, never the model).
"""

from __future__ import annotations

from analysis.screening_models import PracticeCheck
from egts.moderation import (
    FRAGMENT_LABELS,
    Flag,
    ModerationStatus,
    flagged_fragments,
    highlighted_html,
)

from .models import PUBLIC_TEXT_FIELDS, Practice


def moderation_flags(practice: Practice) -> dict:
    """Each public text field with fragments to look at (its label and its text with the
    fragments marked), every fragment as a list, whether the name task flagged a name
    that the page cannot point at, and whether it has yet to run on a pending practice."""
    check = PracticeCheck.objects.filter(practice_id=practice.pk).only("names").first()
    found_names = check.names if check is not None else []
    sections = []
    fragments = []
    for name in PUBLIC_TEXT_FIELDS:
        text = getattr(practice, name) or ""
        spans = flagged_fragments(text, names=found_names)
        if not spans:
            continue
        sections.append(
            {
                "label": Practice._meta.get_field(name).verbose_name,
                "html": highlighted_html(text, spans),
            }
        )
        fragments += [
            {"text": text[start:end], "label": FRAGMENT_LABELS.get(kind, kind)}
            for start, end, kind in spans
        ]
    marked_names = any(f["label"] == FRAGMENT_LABELS["name"] for f in fragments)
    return {
        "sections": sections,
        "fragments": fragments,
        "unmarked_name": Flag.NAME in practice.flags and not marked_names,
        "unscreened": check is None
        and practice.status == ModerationStatus.PENDING
        and not practice.is_draft,
    }
