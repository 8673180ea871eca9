"""What the synthesis templates show, read from the frozen figures only.

Nothing here queries the contributions or the practices: a version rendered twice from
the same figures is the same document.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consensus.reports import consensus_display
from contributions.charts import SUPPRESSED
from contributions.models import ContributionSource
from egts.models import ActorCategory

from ..models import Level, Priority, Synthesis, Verdict

LABEL_WIDTH = 230
BAR_WIDTH = 330
ROW_HEIGHT = 24

DATA_DICTIONARY = [
    ("contributions.csv", "Identifiant", "Identifiant de la contribution"),
    ("contributions.csv", "Nature", "Attente, constat ou proposition"),
    ("contributions.csv", "Territoire / Code du territoire", "Territoire, « National » sinon"),
    ("contributions.csv", "Département / Code du département", "Département (code INSEE 2013)"),
    ("contributions.csv", "Thèmes / Codes des thèmes", "Thèmes (T1–T6) et politiques (P1–P5)"),
    ("contributions.csv", "Catégorie d'acteur", "Catégorie d'acteur de l'auteur"),
    ("contributions.csv", "Origine", "En ligne ou recueillie hors ligne"),
    ("responses.csv", "q<id> – <question>", "Réponse à la question <id>, une colonne chacune"),
    ("practices.csv", "Titre, Résumé, Structure", "Pratique significative publiée"),
    ("proposals.csv", "Porteur, Niveau, Priorité, Échéance", "Levier d'action transmis"),
]


def _number(n) -> str:
    return number_format(n or 0, force_grouping=True)


def _key_figure(n: int, singular: str, plural: str) -> dict:
    """A number with its noun agreed: "1 proposition transmise", "2 propositions…"."""
    return {"number": _number(n), "label": ngettext(singular, plural, n or 0)}


def _theme_sentence(theme: dict) -> str:
    c, p, r = (theme[k] or 0 for k in ("contributions", "practices", "proposals"))
    return _("%(contributions)s, %(practices)s et %(proposals)s sur ce thème.") % {
        "contributions": ngettext("%(n)s contribution publiée", "%(n)s contributions publiées", c)
        % {"n": _number(c)},
        "practices": ngettext("%(n)s pratique significative", "%(n)s pratiques significatives", p)
        % {"n": _number(p)},
        "proposals": ngettext("%(n)s proposition transmise", "%(n)s propositions transmises", r)
        % {"n": _number(r)},
    }


def _count(n: int | None) -> str:
    """A questionnaire count, which the results suppress (``None``) under five."""
    return SUPPRESSED if n is None else _number(n)


def bar_chart(
    key: str, title: str, rows: list[tuple[str, int | None]], *, unit: str, label_header: str = ""
) -> dict:
    """An SVG horizontal bar chart with its text alternative and its data table."""
    top = max((n for _label, n in rows if n is not None), default=0) or 1
    bars = [
        {
            "label": label,
            "value": _count(n),
            "y": index * ROW_HEIGHT,
            "text_y": index * ROW_HEIGHT + 16,
            "width": max(1, round(n * BAR_WIDTH / top)) if n else 0,
            "value_x": LABEL_WIDTH + (round(n * BAR_WIDTH / top) if n else 0) + 6,
        }
        for index, (label, n) in enumerate(rows)
    ]
    return {
        "id": f"chart-{key}",
        "title": title,
        "description": "; ".join(f"{label} : {_count(n)}" for label, n in rows),
        "bars": bars,
        "height": max(1, len(rows)) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "bar_x": LABEL_WIDTH,
        "unit": unit,
        "table": {
            "header": [label_header or _("Catégorie"), unit],
            "rows": [(label, _count(n)) for label, n in rows],
        },
    }


def _questionnaire(results: dict, index: int) -> dict:
    questions = []
    for qi, question in enumerate(results["questions"]):
        item = {"label": question["label"], "answers": _count(question["answers"])}
        key = f"q{index}-{qi}"
        if "choices" in question:
            rows = [(c["label"], c["count"]) for c in question["choices"]]
            item["chart"] = bar_chart(
                key, question["label"], rows, unit=_("Réponses"), label_header=_("Choix")
            )
        elif "scale" in question:
            scale = question["scale"]
            rows = [(str(d["value"]), d["count"]) for d in scale["distribution"]]
            item["chart"] = bar_chart(
                key, question["label"], rows, unit=_("Réponses"), label_header=_("Note")
            )
            if scale["mean"] is not None:
                item["mean"] = number_format(scale["mean"], decimal_pos=2)
        else:
            item["text_answers"] = _count(question.get("text_answers"))
        questions.append(item)
    return {
        "title": results["title"],
        "responses": _count(results.get("responses")),
        "questions": questions,
    }


def _id_ranges(annex: dict) -> str:
    parts = [
        f"{_number(first)}–{_number(last)}" if first != last else _number(first)
        for first, last in annex["ranges"]
    ]
    if annex["more"]:
        parts.append("…")
    return ", ".join(parts)


def topics_context(frozen: dict | None, theme_labels: dict[str, str]) -> dict | None:
    """What the templates show of frozen analysis topics (see synthesis_topics)."""
    if not frozen:
        return None
    actor_labels = dict(ActorCategory.choices)
    categories = list(ActorCategory.values)
    topics = []
    for t in frozen["topics"]:
        annex = t["annex"]
        topics.append(
            {
                "id": t["id"],
                "label": t["label"],
                "edited": t["edited"],
                "merged": t["merged"],
                "size": _count(t["size"]),
                "theme": t["theme"],
                "theme_label": theme_labels.get(t["theme"], ""),
                "shares": [_count(t["by_actor_category"].get(c)) for c in categories],
                "quotes": t["quotes"],
                "annex_count": ngettext("%(n)s contribution", "%(n)s contributions", annex["count"])
                % {"n": _number(annex["count"])},
                "annex_ranges": _id_ranges(annex),
            }
        )
    by_theme: dict[str, list[dict]] = {}
    for topic in topics:
        by_theme.setdefault(topic["theme"] if topic["theme"] in theme_labels else "", []).append(
            topic
        )
    return {
        "run": frozen["run"],
        "version": frozen["version"],
        "documents": _number(frozen["documents"]),
        "topics": topics,
        "by_theme": by_theme,
        "without_theme": by_theme.get("", []),
        "categories": [str(actor_labels[c]) for c in categories],
        "chart": bar_chart(
            "topics",
            _("Thèmes dégagés des contributions, par nombre de contributions"),
            [(t["label"], t["size"]) for t in frozen["topics"]],
            unit=_("Contributions"),
            label_header=_("Thème dégagé"),
        ),
    }


def _proposals_by_theme(f: dict, names: dict[str, str]) -> dict[str, list[dict]]:
    level_labels = dict(Level.choices)
    priority_labels = dict(Priority.choices)
    out: dict[str, list[dict]] = {code: [] for code in f["by_theme"]}
    for p in f["proposal_list"]:
        out.setdefault(p["theme_id"], []).append(
            {
                **p,
                "territory_name": names.get(p["territory"], _("National")),
                "policy_label": f["policies"].get(p["policy_id"], ""),
                "level_label": level_labels.get(p["level"], p["level"]),
                "priority_label": priority_labels.get(p["priority"], p["priority"]),
            }
        )
    return out


def _hypotheses_by_theme(f: dict) -> dict[str, list[dict]]:
    """Each theme's hypotheses, with one verdict cell per territory (in their order)."""
    verdict_labels = dict(Verdict.choices)
    out: dict[str, list[dict]] = {code: [] for code in f["by_theme"]}
    for h in f["hypotheses"]:
        out.setdefault(h["theme"], []).append(
            {
                "statement": h["statement"],
                "policy": f["policies"].get(h["policy"], ""),
                "cells": [
                    verdict_labels.get(h["verdicts"].get(t["slug"], ""), "—")
                    for t in f["territories"]
                ],
            }
        )
    return out


def _theme_sections(f: dict, names: dict[str, str], analysis: dict | None) -> list[dict]:
    """One section per theme: its figures, hypotheses, practices, proposals and topics."""
    hypotheses = _hypotheses_by_theme(f)
    proposals = _proposals_by_theme(f, names)
    return [
        {
            "code": code,
            "label": theme["label"],
            "figures": {k: _number(theme[k]) for k in ("contributions", "practices", "proposals")},
            "sentence": _theme_sentence(theme),
            "hypotheses": hypotheses.get(code, []),
            "practices": [
                {**p, "territory_name": names.get(p["territory"], _("National"))}
                for p in f["inspiring_practices"].get(code, [])
            ],
            "proposals": proposals.get(code, []),
            "topics": analysis["by_theme"].get(code, []) if analysis else [],
        }
        for code, theme in f["by_theme"].items()
    ]


def _charts(f: dict) -> dict[str, dict]:
    actor_labels = dict(ActorCategory.choices)
    source_labels = dict(ContributionSource.choices)
    contributions = _("Contributions")
    return {
        "territory": bar_chart(
            "territory",
            _("Contributions publiées par territoire"),
            [(v["name"], v["contributions"]) for v in f["by_territory"].values()],
            unit=contributions,
        ),
        "actor": bar_chart(
            "actor",
            _("Contributions publiées par catégorie d'acteur"),
            [(str(actor_labels[c]), n) for c, n in f["by_actor_category"].items()],
            unit=contributions,
        ),
        "theme": bar_chart(
            "theme",
            _("Contributions publiées par thème transverse"),
            [(t["label"], t["contributions"]) for t in f["by_theme"].values()],
            unit=contributions,
        ),
        "source": bar_chart(
            "source",
            _("Contributions publiées par origine"),
            [(str(source_labels.get(c, c)), n) for c, n in f["by_source"].items()],
            unit=contributions,
        ),
        "respondents": bar_chart(
            "respondents",
            _("Répondants au questionnaire par catégorie d'acteur"),
            [(str(actor_labels[c]), n) for c, n in f["responses_by_actor_category"].items()],
            unit=_("Répondants"),
        ),
    }


def _key_figures(f: dict) -> list[dict]:
    return [
        _key_figure(f["contributions"], _("contribution publiée"), _("contributions publiées")),
        _key_figure(
            f["practices"],
            _("pratique significative publiée"),
            _("pratiques significatives publiées"),
        ),
        _key_figure(
            f["responses"], _("répondant au questionnaire"), _("répondants au questionnaire")
        ),
        _key_figure(
            f["proposals"],
            _("proposition transmise par les territoires"),
            _("propositions transmises par les territoires"),
        ),
    ]


def _matrix(f: dict) -> list[dict]:
    """Theme × policy: contributions and proposals per cell."""
    return [
        {
            "label": f["by_theme"][code]["label"],
            "cells": [
                {
                    "contributions": _number(cell["contributions"]),
                    "proposals": _number(cell["proposals"]),
                }
                for cell in row.values()
            ],
        }
        for code, row in f["theme_policy"].items()
    ]


def _territories(f: dict) -> list[dict]:
    by_territory = f["by_territory"]
    return [
        {
            **t,
            "working_groups": _number(by_territory.get(t["slug"], {}).get("working_groups")),
            "meetings": _number(by_territory.get(t["slug"], {}).get("meetings")),
        }
        for t in f["territories"]
    ]


def _listed(f: dict, names: dict[str, str]) -> dict:
    """The practices and proposals the PDF lists in full, and whether that is all of them."""
    order = {t["slug"]: index for index, t in enumerate(f["territories"])}
    return {
        "practice_list": sorted(
            (
                {**p, "territory_name": names.get(p["territory"], _("National"))}
                for p in f["practice_list"]
            ),
            key=lambda p: (order.get(p["territory"], len(order)), p["title"], p["id"]),
        ),
        "practices_listed": _number(len(f["practice_list"])),
        "practices_total": _number(f["practices"]),
        "practices_all_listed": len(f["practice_list"]) >= (f["practices"] or 0),
        "proposals_total": _number(f["proposals"]),
        "proposals_listed": _number(len(f["proposal_list"])),
        "proposals_all_listed": len(f["proposal_list"]) >= (f["proposals"] or 0),
    }


def report_context(*, synthesis: Synthesis) -> dict:
    """What the synthesis templates (HTML and PDF) show, from its frozen figures alone."""
    f = synthesis.figures
    themes = f["by_theme"]
    names = {t["slug"]: t["name"] for t in f["territories"]}
    analysis = topics_context(
        f.get("analysis"), {code: theme["label"] for code, theme in themes.items()}
    )
    return {
        "synthesis": synthesis,
        "f": f,
        "totals": {
            k: _number(f[k]) for k in ("contributions", "practices", "responses", "proposals")
        },
        "key_figures": _key_figures(f),
        "territory_rows": [
            {"slug": slug, **{k: _number(v) if isinstance(v, int) else v for k, v in row.items()}}
            for slug, row in f["by_territory"].items()
        ],
        "charts": _charts(f),
        "theme_sections": _theme_sections(f, names, analysis),
        "territory_names": [t["name"] for t in f["territories"]],
        "matrix": _matrix(f),
        "policy_labels": list(f["policies"].values()),
        "convergences": [
            {
                **c,
                "theme_label": themes.get(c["theme"], {}).get("label", c["theme"]),
                "territory_names": [names.get(s, s) for s in c["territories"]],
            }
            for c in f["convergences"]
        ],
        "questionnaires": [_questionnaire(q, i) for i, q in enumerate(f["questionnaires"])],
        "territories": _territories(f),
        **_listed(f, names),
        "analysis": analysis,
        "consensus": consensus_display(f.get("consensus")),
        "topics_csv": {
            "public": reverse("synthesis-public-topics-csv", args=[synthesis.version]),
            "workspace": reverse("assises:synthesis-topics-csv", args=[synthesis.pk]),
        },
        "data_dictionary": DATA_DICTIONARY,
        "exports": ["contributions", "responses", "practices", "proposals"],
    }
