"""The flagged fragments a moderator reads on a practice's moderation page.

Practices keep no list of the names spaCy found (only the NAME flag of
``analysis.tasks.screen_practice_names``): the page marks what the patterns and the
titled names find again now (``egts.moderation.flagged_fragments``, never the model).
"""

from __future__ import annotations

from egts.moderation import FRAGMENT_LABELS, Flag, flagged_fragments, highlighted_html

from .models import PUBLIC_TEXT_FIELDS, Practice


def moderation_flags(practice: Practice) -> dict:
    """Each public text field with fragments to look at (its label and its text with the
    fragments marked), every fragment as a list, and whether the name task flagged a name
    that the page cannot point at."""
    sections = []
    fragments = []
    for name in PUBLIC_TEXT_FIELDS:
        text = getattr(practice, name) or ""
        spans = flagged_fragments(text)
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
    }
