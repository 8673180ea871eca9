"""Turn questionnaire results into what the page draws: SVG bar charts and their tables.

Bars are server-rendered SVG (no script, no inline style: widths are SVG attributes),
each chart is one ``role="img"`` with a text alternative, and the same figures are
given as a table for screen readers and for anyone who wants the numbers.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import QuestionKind

ROW_HEIGHT = 40
SUPPRESSED = "< 5"


def _display(count: int | None) -> str:
    return SUPPRESSED if count is None else str(count)


def _chart(title: str, rows: list[tuple[str, int | None]]) -> dict:
    known = [count for _label, count in rows if count is not None]
    top = max(known, default=0) or 1
    bars = []
    for index, (label, count) in enumerate(rows):
        bars.append(
            {
                "label": label,
                "display": _display(count),
                "width": f"{(count or 0) * 100 / top:.1f}%",
                "text_y": index * ROW_HEIGHT + 14,
                "bar_y": index * ROW_HEIGHT + 20,
            }
        )
    description = "; ".join(f"{label} : {_display(count)}" for label, count in rows)
    return {
        "title": title,
        "description": description,
        "bars": bars,
        "height": max(1, len(rows)) * ROW_HEIGHT,
    }


def results_for_display(results: dict) -> list[dict]:
    items = []
    for question in results["questions"]:
        item = {"id": question["id"], "label": question["label"], "kind": question["kind"]}
        item["answers"] = _display(question["answers"])
        if question["kind"] in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            rows = [(c["label"], c["count"]) for c in question["choices"]]
            item["chart"] = _chart(question["label"], rows)
            item["table"] = {
                "caption": _("Réponses par choix : %(label)s") % {"label": question["label"]},
                "header": [_("Choix"), _("Nombre de réponses")],
                # dsfr_table marks its cells safe (DSFR_CONTENT_IS_SAFE): escaped here, "< 5"
                # and the labels alike.
                "content": [[escape(label), escape(_display(count))] for label, count in rows],
            }
        elif question["kind"] == QuestionKind.SCALE:
            scale = question["scale"]
            rows = [(str(d["value"]), d["count"]) for d in scale["distribution"]]
            item["chart"] = _chart(question["label"], rows)
            item["mean"] = (
                number_format(scale["mean"], decimal_pos=2) if scale["mean"] is not None else None
            )
            item["scale"] = scale
            item["table"] = {
                "caption": _("Répartition des notes : %(label)s") % {"label": question["label"]},
                "header": [_("Note"), _("Nombre de réponses")],
                # dsfr_table marks its cells safe (DSFR_CONTENT_IS_SAFE): escaped here, "< 5"
                # and the labels alike.
                "content": [[escape(label), escape(_display(count))] for label, count in rows],
            }
        else:
            item["text_answers"] = _display(question["text_answers"])
        items.append(item)
    return items
