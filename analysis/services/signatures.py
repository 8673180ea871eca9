"""MinHash signatures of published contributions, and near-copies of a text.

Signatures are kept per contribution across runs (``TextSignature``), with one row per
LSH band key (``SignatureBand``, indexed), and recomputed only when the published text
or the engine changes. Runs compute them for the texts they read; other parts of the
platform (the moderation queue's near-duplicate flag, for instance) can refresh those of
newly published contributions with ``contributions_signatures_refresh`` and look up
``published_near_copies`` of an incoming text.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from contributions.models import Contribution
from egts.moderation import ModerationStatus

from ..models import SignatureBand, TextSignature
from .bulk import insert_rows


def engine():
    from .. import engine as text_engine

    return text_engine


def text_hash(text: str, engine_version: str) -> str:
    return hashlib.blake2b(
        f"{engine_version}\x00{text}".encode(), digest_size=16, usedforsecurity=False
    ).hexdigest()


def signatures_update(items: list[tuple[int, str]]) -> int:
    """Store the signatures and band keys of (contribution id, published text) pairs whose
    text (or the engine) changed since they were stored; how many were (re)computed."""
    text_engine = engine()
    hashes = {pk: text_hash(text, text_engine.ENGINE_VERSION) for pk, text in items}
    known = dict(
        TextSignature.objects.filter(contribution_id__in=list(hashes)).values_list(
            "contribution_id", "text_hash"
        )
    )
    stale = [(pk, text) for pk, text in items if known.get(pk) != hashes[pk]]
    if not stale:
        return 0
    signatures = []
    bands = []
    for pk, text in stale:
        sig = text_engine.signature(text)
        signatures.append(TextSignature(contribution_id=pk, text_hash=hashes[pk], signature=sig))
        bands.extend((pk, key) for key in text_engine.band_hashes(sig))
    with transaction.atomic():
        SignatureBand.objects.filter(contribution_id__in=[pk for pk, _text in stale]).delete()
        TextSignature.objects.bulk_create(
            signatures,
            update_conflicts=True,
            unique_fields=["contribution"],
            update_fields=["text_hash", "signature"],
            batch_size=2000,
        )
        insert_rows(SignatureBand, ["contribution_id", "key"], bands)
    return len(stale)


def contributions_signatures_refresh(contribution_ids: list[int]) -> int:
    """Signatures of these contributions, if published (their published text)."""
    items = list(
        Contribution.objects.published()
        .filter(pk__in=contribution_ids)
        .exclude(published_body="")
        .values_list("pk", "published_body")
    )
    return signatures_update(items)


def published_near_copies(
    text: str, *, threshold: float = 0.8, limit: int = 5, exclude: int | None = None
) -> list[tuple[int, float]]:
    """Published contributions whose stored signature is a near-copy of ``text``:
    (id, estimated similarity), most similar first. One indexed look-up per band key,
    then the candidates' signatures are compared."""
    text_engine = engine()
    signature = text_engine.signature(text)
    keys = text_engine.band_hashes(signature)
    candidates = (
        SignatureBand.objects.filter(key__in=keys, contribution__status=ModerationStatus.PUBLISHED)
        .values_list("contribution_id", flat=True)
        .distinct()[:1000]
    )
    found = []
    for pk, other in TextSignature.objects.filter(contribution_id__in=list(candidates)).values_list(
        "contribution_id", "signature"
    ):
        if pk == exclude:
            continue
        score = text_engine.similarity(signature, bytes(other))
        if score >= threshold:
            found.append((pk, score))
    found.sort(key=lambda item: (-item[1], item[0]))
    return found[:limit]
