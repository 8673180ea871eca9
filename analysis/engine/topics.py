"""Topics of a set of French texts: TF-IDF on lemmas and phrases, NMF, readable labels.

Features: each text is described by its folded lemmas and its two-lemma phrases
(``text.features``), weighted by TF-IDF (sublinear term frequency, L2 norm), with terms
kept when they occur in at least ``min_df`` texts and in at most half of them.

Why NMF (scikit-learn, coordinate descent, ``nndsvda`` initialisation): on TF-IDF of
short texts it gives topics as additive parts of a text, with sharper and more readable
top terms than LDA on small corpora, it is deterministic with a fixed seed, and once the
topic-term matrix H is fixed, assigning new texts is a small non-negative least-squares
problem per text, solved here for a whole chunk at once with a few multiplicative updates
(``assign``): a worker needs only H and the vocabulary, so a run fits once on a
deterministic sample and any number of workers assign chunks in parallel.

Number of topics: chosen by ``choose_k`` among 2..``max_topics`` (30 at most), see its
docstring for the criterion.

Labels: the top terms of a topic are shown as the words that were written (the most
frequent surface form of each lemma or phrase in the fitted texts, e.g. "accès aux
droits" for the phrase ``acces droit``), never as bare stems; a label is the two best
phrases that share no word, joined by " · ".
"""

import io
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from . import text as textmod
from .personal import personal_data

FORMAT = 1
# Texts used to choose k and to read surface forms: enough for stable choices, small
# enough to keep the fit in seconds whatever the size of the sample given.
SELECTION_SAMPLE = 4000
SURFACE_SAMPLE = 20000
TOP_TERMS = 10
ASSIGN_ITERATIONS = 40
MIN_WEIGHT = 1e-6


@dataclass
class TopicInfo:
    index: int
    label: str
    keywords: list[str] = field(default_factory=list)


def _analyzer(text: str) -> list[str]:
    return textmod.features(text)


def _mu_assign(X: sp.csr_matrix, H: np.ndarray, iterations: int = ASSIGN_ITERATIONS):
    """Non-negative W minimising ||X - W H|| for a fixed H (multiplicative updates).

    Deterministic, vectorised over the chunk; starts from X H^T so texts without any
    known term stay at zero."""
    XHt = np.asarray(X @ H.T, dtype=np.float64)
    HHt = H @ H.T
    W = XHt.copy()
    eps = 1e-12
    for _ in range(iterations):
        W *= XHt / (W @ HHt + eps)
    return W


def _npmi_coherence(binary: sp.csc_matrix, top: np.ndarray) -> float:
    """Mean normalised PMI of the pairs of a topic's top terms, co-occurring in texts."""
    n = binary.shape[0]
    cols = binary[:, top]
    df = np.asarray(cols.sum(axis=0)).ravel()
    co = (cols.T @ cols).toarray()
    scores = []
    for i in range(len(top)):
        for j in range(i + 1, len(top)):
            pij = co[i, j] / n
            if pij <= 0:
                scores.append(-1.0)
                continue
            pmi = np.log(pij / ((df[i] / n) * (df[j] / n)))
            scores.append(pmi / -np.log(pij))
    return float(np.mean(scores)) if scores else 0.0


def choose_k(X: sp.csr_matrix, *, seed: int, max_topics: int) -> tuple[int, dict[int, float]]:
    """The number of topics, chosen among 2..max_topics by topic coherence.

    For each k, NMF is fitted on the selection sample and each topic is scored by the
    normalised pointwise mutual information (NPMI) of its top terms over the texts: the
    terms of a real topic are written together. The chosen k maximises the mean
    coherence of its topics; the first (smallest) k wins a tie."""
    n = X.shape[0]
    upper = max(2, min(max_topics, 30, n - 1))
    binary = (X > 0).astype(np.float32).tocsc()
    scores: dict[int, float] = {}
    for k in range(2, upper + 1):
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=300, tol=1e-4)
        model.fit(X)
        H = model.components_
        scores[k] = float(
            np.mean([_npmi_coherence(binary, np.argsort(-H[t])[:TOP_TERMS]) for t in range(k)])
        )
    best = max(scores, key=lambda k: (round(scores[k], 6), -k))
    return best, scores


def _sample(n: int, size: int, seed: int) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=size, replace=False))


class TopicModel:
    """A fitted topic model: vocabulary, IDF weights, topic-term matrix, labels."""

    def __init__(self, vocabulary: list[str], idf: np.ndarray, H: np.ndarray, topics, params):
        self.vocabulary = vocabulary
        self._index = {term: i for i, term in enumerate(vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.H = np.asarray(H, dtype=np.float32)
        self.topics: list[TopicInfo] = topics
        self.params: dict = params

    # -- fitting ---------------------------------------------------------------------
    @classmethod
    def fit(cls, texts: list[str], *, seed: int = 0, max_topics: int = 30) -> "TopicModel":
        """Fit on ``texts`` (the caller passes a deterministic sample, e.g. <= 50k)."""
        texts = list(texts)
        n = len(texts)
        min_df = 2 if n < 5000 else max(2, n // 5000)
        vectorizer = TfidfVectorizer(
            analyzer=_analyzer,
            min_df=min_df if n >= 10 else 1,
            max_df=0.5 if n >= 10 else 1.0,
            sublinear_tf=True,
            dtype=np.float32,
            max_features=40000,
        )
        X = vectorizer.fit_transform(texts).tocsr()
        vocabulary = [""] * len(vectorizer.vocabulary_)
        for term, i in vectorizer.vocabulary_.items():
            vocabulary[i] = term
        if X.shape[1] < 2 or n < 3:
            return cls._trivial(vocabulary, vectorizer.idf_, seed=seed)
        selection = _sample(n, SELECTION_SAMPLE, seed)
        k, scores = choose_k(X[selection], seed=seed, max_topics=max_topics)
        nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400, tol=1e-4)
        nmf.fit(X)
        H = nmf.components_.astype(np.float32)
        W = _mu_assign(X, H)
        # Largest topic first, so indices read in order of importance.
        sizes = np.bincount(W.argmax(axis=1)[W.sum(axis=1) > MIN_WEIGHT], minlength=k)
        order = np.argsort(-sizes, kind="stable")
        H = H[order]
        params = {"seed": seed, "k": int(k), "scores": {str(a): b for a, b in scores.items()}}
        model = cls(vocabulary, vectorizer.idf_, H, [], params)
        surface_rows = _sample(n, SURFACE_SAMPLE, seed + 1)
        model.topics = model._describe([texts[i] for i in surface_rows])
        return model

    @classmethod
    def _trivial(cls, vocabulary, idf, *, seed: int) -> "TopicModel":
        H = np.ones((1, max(1, len(vocabulary))), dtype=np.float32)
        label = " · ".join(vocabulary[:2]) or "divers"
        return cls(vocabulary, idf, H, [TopicInfo(0, label, vocabulary[:TOP_TERMS])], {"k": 1})

    def _term_ranking(self, t: int) -> np.ndarray:
        """Terms of topic t, best first: weight in the topic times its share of the term."""
        H = self.H.astype(np.float64)
        share = H[t] / (H.sum(axis=0) + 1e-12)
        return np.argsort(-(H[t] * share), kind="stable")

    def _describe(self, texts: list[str]) -> list[TopicInfo]:
        ranked = {t: self._term_ranking(t)[:40] for t in range(self.H.shape[0])}
        wanted = {self.vocabulary[i] for ids in ranked.values() for i in ids}
        surfaces: dict[str, Counter] = defaultdict(Counter)
        for text in texts:
            for term, surface in textmod.feature_surfaces(text, wanted):
                surfaces[term][surface] += 1

        def surface(term: str) -> str:
            counts = surfaces.get(term)
            if not counts:
                return term
            return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]

        topics = []
        used_labels: set[str] = set()
        for t in range(self.H.shape[0]):
            terms = [self.vocabulary[i] for i in ranked[t] if self.H[t, i] > 0]
            keywords: list[str] = []
            for term in terms:
                word = surface(term)
                if word not in keywords:
                    keywords.append(word)
                if len(keywords) == TOP_TERMS:
                    break
            phrases = [term for term in terms[:20] if " " in term]
            label_terms: list[str] = []
            seen_lemmas: set[str] = set()
            for term in phrases + terms:
                parts = set(term.split())
                if parts & seen_lemmas:
                    continue
                label_terms.append(term)
                seen_lemmas |= parts
                if len(label_terms) == 2:
                    break
            label = " · ".join(surface(term) for term in label_terms) or f"thème {t + 1}"
            if label in used_labels:
                extra = next((surface(x) for x in terms if surface(x) not in label), "")
                label = f"{label} · {extra}" if extra else f"{label} ({t + 1})"
            used_labels.add(label)
            topics.append(TopicInfo(index=t, label=label, keywords=keywords))
        return topics

    # -- using -----------------------------------------------------------------------
    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """TF-IDF rows of ``texts`` over the fitted vocabulary (L2-normalised)."""
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        index = self._index
        for text in texts:
            counts = Counter(i for term in _analyzer(text) if (i := index.get(term)) is not None)
            indices.extend(counts.keys())
            data.extend(counts.values())
            indptr.append(len(indices))
        X = sp.csr_matrix(
            (np.asarray(data, dtype=np.float32), indices, indptr),
            shape=(len(texts), len(self.vocabulary)),
        )
        if X.nnz:
            np.log(X.data, out=X.data)
            X.data += 1.0
            X = X @ sp.diags(self.idf)
        return normalize(X, copy=False).tocsr()

    def weights(self, texts: list[str]) -> np.ndarray:
        """Topic weights per text (rows sum to 1, or 0 for a text with no known term)."""
        W = _mu_assign(self.transform(texts), self.H)
        totals = W.sum(axis=1, keepdims=True)
        return np.divide(W, totals, out=np.zeros_like(W), where=totals > MIN_WEIGHT)

    def assign(self, texts: list[str]) -> list[tuple[int | None, float]]:
        """(topic index, its share of the text's weight), or (None, 0.0) if unknown terms."""
        shares = self.weights(texts)
        out: list[tuple[int | None, float]] = []
        for row in shares:
            best = int(row.argmax())
            out.append((best, round(float(row[best]), 6)) if row[best] > 0 else (None, 0.0))
        return out

    def quotes(self, topic: int, items: list[tuple[int, str]], n: int = 5):
        """Up to ``n`` (id, sentence) pairs: whole sentences copied verbatim from the texts
        of ``topic``, most representative first, none with personal data, at most one per
        source id, no sentence twice."""
        if not items or not 0 <= topic < self.H.shape[0] or n <= 0:
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
                words = len(sentence.split())
                if 6 <= words <= 60:
                    candidates.append((item_id, sentence))
        if not candidates:
            return []
        direction = self.H[topic] / (np.linalg.norm(self.H[topic]) + 1e-12)
        scores = self.transform([s for _id, s in candidates]) @ direction
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
                continue  # the same sentence from a campaign's copies
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
        """A compact, pickle-free serialisation (numpy arrays + JSON)."""
        meta = {
            "format": FORMAT,
            "vocabulary": self.vocabulary,
            "topics": [
                {"index": t.index, "label": t.label, "keywords": t.keywords} for t in self.topics
            ],
            "params": self.params,
        }
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            idf=self.idf,
            H=self.H,
            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "TopicModel":
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(arrays["meta"].tobytes().decode())
            if meta.get("format") != FORMAT:
                raise ValueError("unsupported topic model format")
            topics = [TopicInfo(**t) for t in meta["topics"]]
            return cls(meta["vocabulary"], arrays["idf"], arrays["H"], topics, meta["params"])
