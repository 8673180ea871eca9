"""Where a moderator should look in a text: the fragments that may be personal data, and
the text marked up with them. The flags themselves are ``egts.moderation``'s."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# What a moderator reads next to each flagged fragment of a text.
FRAGMENT_LABELS = {
    "email": _("Adresse électronique"),
    "phone": _("Numéro de téléphone"),
    "name": _("Nom de personne possible"),
    "address": _("Adresse postale possible"),
    "birth_date": _("Date de naissance possible"),
}


def flagged_fragments(text: str, *, names: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """(start, end, kind) of what a moderator should look at before publishing ``text``:
    the patterns, found again now, and every place where one of ``names`` (person names
    the recogniser found when the item was screened) occurs. Never runs the recogniser."""
    from .personal_data import fragments, merge_spans

    spans = fragments(text, with_names=False)
    for name in {n for n in names if n.strip()}:
        spans += [(*m.span(), "name") for m in re.finditer(re.escape(name), text)]
    return merge_spans(spans)


def highlighted_html(text: str, spans: list[tuple[int, int, str]]) -> SafeString:
    """``text`` in paragraphs (as ``linebreaks`` does), each span in a ``<mark>`` that
    also says in words what it may be (a screen reader does not announce the colour)."""
    parts = []
    position = 0
    for start, end, kind in spans:
        parts.append(escape(text[position:start]))
        # A paragraph break inside a mark would cut it in two: a line break is enough.
        fragment = re.sub(r"\s*\n\s*", "\n", text[start:end])
        label = escape(FRAGMENT_LABELS.get(kind, kind))
        parts.append(
            f'<mark class="egts-flagged" data-kind="{escape(kind)}">{escape(fragment)}'
            f'<span class="fr-sr-only"> ({label})</span></mark>'
        )
        position = end
    parts.append(escape(text[position:]))
    return mark_safe(linebreaks("".join(parts), autoescape=False))  # noqa: S308 — escaped above
