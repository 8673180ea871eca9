"""Near-duplicates and campaigns: MinHash signatures (datasketch) with LSH bands.

A text is the set of its word pairs (folded words, stop words kept: a template's
"glue" is part of what makes it a copy). Two texts' Jaccard similarity on those sets is
estimated by MinHash with ``NUM_PERM`` permutations; an edit of one word changes at most
two pairs, so a 60-word copy with three small edits stays above 0.8 while two texts of the
same topic share almost no pair. The signature is cut into ``BANDS`` bands of ``ROWS``
values: two texts whose signatures agree on a whole band are candidates (probability
1 - (1 - J^ROWS)^BANDS: 0.998 at J = 0.8, 0.27 at J = 0.5, 0.01 at J = 0.3), so the app can
find candidates at scale with an index on band hashes in SQL, then confirm them with
``similarity``. Signatures are 4 bytes per permutation, seeded: deterministic.
"""

import hashlib
import re
import struct
from collections import defaultdict

import numpy as np
from datasketch import MinHash

from .text import fold

NUM_PERM = 120
BANDS = 20
ROWS = NUM_PERM // BANDS
SEED = 18
_WORD = re.compile(r"\w+")
# datasketch draws its permutations from the seed; build them once and share them.
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")


def _shingles(text: str) -> list[bytes]:
    words = _WORD.findall(fold(text))
    if len(words) < 2:
        return [w.encode() for w in words]
    return [f"{a} {b}".encode() for a, b in zip(words, words[1:], strict=False)]


def signature(text: str) -> bytes:
    """The MinHash signature of ``text`` (``NUM_PERM`` unsigned 32-bit values, 480 bytes)."""
    m = MinHash(
        num_perm=NUM_PERM, seed=SEED, permutations=_TEMPLATE.permutations, scheme="affine32"
    )
    shingles = _shingles(text)
    if shingles:
        m.update_batch(shingles)
    return m.hashvalues.astype("<u4").tobytes()


def _values(sig: bytes) -> np.ndarray:
    return np.frombuffer(sig, dtype="<u4")


def band_hashes(signature: bytes) -> list[int]:
    """One signed 64-bit hash per band (band number included): equal band => candidate."""
    values = _values(signature)
    out = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        out.append(struct.unpack("<q", digest)[0])
    return out


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the two texts behind two signatures."""
    va, vb = _values(a), _values(b)
    if len(va) != len(vb) or not len(va):
        return 0.0
    return float(np.count_nonzero(va == vb)) / len(va)


def campaigns(items: list[tuple[int, str]], threshold: float = 0.8) -> list[list[int]]:
    """Groups (two texts or more) of near-copies among ``items`` (id, text), in memory.

    Candidates come from shared bands, are kept when their estimated similarity reaches
    ``threshold``, and are joined transitively (a campaign whose copies drift a little
    from one to the next stays one campaign). Largest group first, ids sorted."""
    sigs = {item_id: signature(text) for item_id, text in items}
    buckets: dict[int, list[int]] = defaultdict(list)
    for item_id, sig in sigs.items():
        for band in band_hashes(sig):
            buckets[band].append(item_id)
    parent = {item_id: item_id for item_id in sigs}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        first = members[0]
        for other in members[1:]:
            # Compare with the bucket's first member and with the previous one: enough
            # to join a bucket transitively without checking every pair of a big campaign.
            for a, b in ((first, other),):
                pair = (a, b) if a < b else (b, a)
                if pair in checked or find(a) == find(b):
                    continue
                checked.add(pair)
                if similarity(sigs[a], sigs[b]) >= threshold:
                    parent[find(b)] = find(a)
    groups: dict[int, list[int]] = defaultdict(list)
    for item_id in sigs:
        groups[find(item_id)].append(item_id)
    out = [sorted(g) for g in groups.values() if len(g) > 1]
    return sorted(out, key=lambda g: (-len(g), g[0]))
