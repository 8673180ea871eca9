"""Matching the topics of a new run to those of an earlier run, so that people's edits
(names, merges, noise marks) carry over when a later run covers more data.

Each topic is reduced to the set of lemmas of its keywords (so "accès aux droits" and
"droit" meet); the overlap of two topics is |A ∩ B| / min(|A|, |B|). Pairs are chosen by
the Hungarian algorithm (scipy's ``linear_sum_assignment``) to maximise total overlap,
one old topic per new topic at most, and kept only above ``MIN_OVERLAP``.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment

from .text import lemmas

MIN_OVERLAP = 0.3


def _lemma_set(keywords: list[str]) -> set[str]:
    out: set[str] = set()
    for keyword in keywords:
        out.update(lemmas(keyword))
    return out


def match_topics(old: list[list[str]], new: list[list[str]]) -> dict[int, int]:
    """new topic index -> old topic index, for topics whose keywords overlap enough."""
    if not old or not new:
        return {}
    old_sets = [_lemma_set(k) for k in old]
    new_sets = [_lemma_set(k) for k in new]
    overlap = np.zeros((len(new_sets), len(old_sets)))
    for i, a in enumerate(new_sets):
        for j, b in enumerate(old_sets):
            if a and b:
                overlap[i, j] = len(a & b) / min(len(a), len(b))
    rows, cols = linear_sum_assignment(-overlap)
    return {int(i): int(j) for i, j in zip(rows, cols, strict=True) if overlap[i, j] >= MIN_OVERLAP}
