"""Topics of a set of French texts: TF-IDF on lemmas, NMF, refined clusters, readable labels.

Features: each text is the bag of its folded lemmas (``text.lemmas``), weighted by TF-IDF
(sublinear term frequency, L2 norm), keeping terms found in at least ``min_df`` texts and
in at most 30 % of them. Two-word phrases are not clustering features: on short texts
they are too rare to link texts (measured: AMI 0.63 with them, 0.70 without on the
shipped corpus), but they make the labels (``labels``).

Method and number of topics: ``clustering`` (NMF start, spherical k-means moves, terms
reweighted by their spread, k chosen by stability, consensus topics).

Scale: ``fit`` receives a deterministic sample (<= 50k texts); k is chosen on a
sub-sample of ``SELECTION_SAMPLE`` texts, the consensus topics are extended to the whole
sample and refined there. The model is then one weight per term and one centroid per
topic: ``assign`` is a sparse product, so workers assign chunks of a run in parallel.

Labels and keywords: ``labels``, from the words that were written.
"""

import json
import math
import re
import struct
import zlib
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from . import text as textmod
from .clustering import (
    TEXTS_PER_TOPIC,
    choose_k,
    refine,
    sample_rows,
    term_weights,
    topic_sums,
    weighted,
)
from .labels import TOP_TERMS, TopicInfo, describe
from .personal import personal_data

FORMAT = 2
MAGIC = b"EGTS-topics\n"
SELECTION_SAMPLE = 2000
SURFACE_SAMPLE = 20000
MAX_DF = 0.3

__all__ = ["TopicInfo", "TopicModel"]


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
        selection = sample_rows(len(filled), SELECTION_SAMPLE, seed)
        k, consensus, scores = choose_k(X[selection], seed=seed, max_topics=max_topics)
        # Extend the consensus topics to the whole sample, then refine there.
        start = normalize(topic_sums(X[selection], consensus, k))
        labels = np.asarray(X @ start.T).argmax(axis=1)
        weights = term_weights(X, labels, k)
        Xw = weighted(X, weights)
        labels = refine(Xw, labels, k)
        sizes = np.bincount(labels, minlength=k)
        order = [t for t in np.argsort(-sizes, kind="stable") if sizes[t] > 0]
        remap = np.full(k, -1)
        remap[order] = np.arange(len(order))
        labels = remap[labels]
        k = len(order)
        centroids = normalize(topic_sums(Xw, labels, k)).astype(np.float32)
        params = {"seed": seed, "k": int(k), "stability": {str(a): b for a, b in scores.items()}}
        model = cls(vocabulary, idf * weights.astype(np.float32), centroids, [], params)
        rows = sample_rows(len(filled), SURFACE_SAMPLE, seed + 1)
        model.topics = describe([texts[filled[i]] for i in rows], labels[rows], k)
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
