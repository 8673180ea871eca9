"""The labelled corpus is well formed: the quality figures of issue 18 are only worth
what the corpus is, so its format and its size are checked on every part found."""

import json
import re
from collections import Counter
from pathlib import Path

from contributions.models import ContributionKind
from egts.models import ActorCategory
from tests.analysis.corpus import HERE, TOPIC_WORDS, TOPICS, load

REFERENCE = Path(__file__).resolve().parents[2] / "egts" / "data" / "egts_reference.json"
TERRITORIES = {i["slug"] for i in json.loads(REFERENCE.read_text(encoding="utf-8"))["interregions"]}
FIELDS = {"id", "topic", "actor_category", "territory", "kind", "title", "text"}
FILES = sorted(HERE.glob("*.jsonl"))


def _rows(path):
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_every_part_is_well_formed():
    assert FILES, "no corpus part found"
    for path in FILES:
        prefix = path.stem.removeprefix("corpus_")  # corpus_a.jsonl holds a-0001…
        for row in _rows(path):
            assert set(row) == FIELDS, row.get("id")
            assert re.fullmatch(rf"{prefix}-\d{{4}}", row["id"]), row["id"]
            assert row["topic"] in TOPICS, row["id"]
            assert row["actor_category"] in ActorCategory.values, row["id"]
            assert row["territory"] in TERRITORIES, row["id"]
            assert row["kind"] in ContributionKind.values, row["id"]
            assert row["title"].strip(), row["id"]
            assert 15 <= len(row["text"].split()) <= 200, row["id"]


def test_ids_are_unique_across_parts():
    ids = Counter(row["id"] for row in load())
    assert [i for i, n in ids.items() if n > 1] == []


def test_no_two_texts_share_a_sentence():
    """Texts are written one by one, not assembled from shared fragments."""
    seen = {}
    shared = []
    for row in load():
        for sentence in re.split(r"(?<=[.!?…])\s+", row["text"]):
            key = " ".join(re.findall(r"\w+", sentence.lower()))
            if len(key.split()) < 5:  # "Merci." or "Voilà." may well recur
                continue
            if key in seen and seen[key] != row["id"]:
                shared.append((seen[key], row["id"], sentence))
            seen.setdefault(key, row["id"])
    assert shared == []


def test_texts_carry_no_contact_details():
    email = re.compile(r"[\w.+-]+@[\w-]+\.\w+")
    phone = re.compile(r"(?:\+33|\b0)[1-9](?:[ .-]?\d{2}){4}\b")
    for row in load():
        assert not email.search(row["text"]) and not phone.search(row["text"]), row["id"]


def test_topic_words_are_given_for_every_topic():
    assert set(TOPIC_WORDS) == set(TOPICS) and len(TOPICS) == 10
    for words in TOPIC_WORDS.values():
        assert 6 <= len(words) <= 12 and all(w == w.lower() and w.strip() for w in words)


def test_each_topic_present_has_enough_texts():
    counts = Counter(row["topic"] for row in load())
    assert all(n >= 90 for n in counts.values()), counts


def test_whole_corpus_is_big_enough():
    """Issue 18 asks for at least 800 texts and 8 known topics. Each part (corpus_a:
    topics 1–5, corpus_b: topics 6–10) brings at least 400 texts and 4 topics, so the
    bar rises with the parts found and is the issue's own once both are in the tree."""
    rows = load()
    assert len(rows) >= min(800, 400 * len(FILES))
    assert len({row["topic"] for row in rows}) >= min(8, 4 * len(FILES))
