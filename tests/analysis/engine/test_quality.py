"""Issue 18's quality figures, on the labelled corpus shipped in tests/analysis/corpus
(written by hand, 10 topics, 1,000 texts): topics against the labels (AMI >= 0.6), a
number of topics chosen by the criterion, readable labels, clean quotes, a planted
campaign of 500 near-copies found, personal data found. One fit for the module."""

import random
import re

import pytest
from sklearn.metrics import adjusted_mutual_info_score

from analysis.engine import TopicModel, campaigns, lemmas, personal_data, sentences
from analysis.engine.text import STOP_WORDS, is_word


def _corpus():
    try:
        from tests.analysis import corpus
    except ImportError:
        pytest.fail(
            "The labelled corpus tests/analysis/corpus is missing (branches h-corpus-a and "
            "h-corpus-b of issue 18): the quality figures cannot be checked without it."
        )
    rows = corpus.load()
    if len(rows) < 800 or len({r["topic"] for r in rows}) < 8:
        pytest.fail(f"The corpus has {len(rows)} texts: issue 18 asks for at least 800.")
    return corpus, rows


@pytest.fixture(scope="module")
def corpus():
    return _corpus()


@pytest.fixture(scope="module")
def fitted(corpus):
    _module, rows = corpus
    texts = [row["text"] for row in rows]  # the text stands for the published body
    model = TopicModel.fit(texts, seed=0)
    return model, [t for t, _w in model.assign(texts)]


def test_topics_agree_with_the_labels(corpus, fitted):
    _module, rows = corpus
    _model, assigned = fitted
    labels = [row["topic"] for row in rows]
    found = [-1 if t is None else t for t in assigned]
    assert adjusted_mutual_info_score(labels, found) >= 0.6


def test_number_of_topics_is_chosen_by_the_criterion(fitted):
    model, _assigned = fitted
    stability = {int(k): v for k, v in model.params["stability"].items()}
    # Every k from 2 to 30 was measured (1,000 texts allow 30), and the k kept is on the
    # plateau of the most stable one.
    assert sorted(stability) == list(range(2, 31))
    assert 2 <= model.params["k"] <= 30 and len(model.topics) == model.params["k"]
    assert stability[model.params["k"]] >= max(stability.values()) - 0.05


def _words(label: str) -> list[str]:
    return [
        w
        for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", label.lower())
        if w not in STOP_WORDS and len(w) > 1
    ]


def test_labels_are_real_french_words_of_their_topic(corpus, fitted):
    module, rows = corpus
    model, assigned = fitted
    for topic in model.topics:
        members = [row["topic"] for row, t in zip(rows, assigned, strict=True) if t == topic.index]
        assert members, topic
        main = max(set(members), key=members.count)
        words = _words(topic.label)
        assert words, topic.label
        assert all(is_word(w) for w in words), topic.label
        # Words a reader expects for that topic: its reference words and its description.
        expected = {
            lemma
            for text in [*module.TOPIC_WORDS[main], module.TOPICS[main]]
            for lemma in lemmas(text)
        }
        assert expected & set(lemmas(topic.label)), (topic.label, main)
    assert len({t.label for t in model.topics}) == len(model.topics)


def test_quotes_are_verbatim_sentences_without_personal_data(corpus, fitted):
    _module, rows = corpus
    model, _assigned = fitted
    items = [(i, row["text"]) for i, row in enumerate(rows)]
    # The most representative sentence of each topic, planted again with personal data.
    planted = []
    for topic in model.topics:
        best = model.quotes(topic.index, items, n=1)
        assert best, topic.label
        sentence = best[0][1].rstrip(".!?…")
        planted.append(f"{sentence}, écrivez-moi à claire.martin@exemple.fr.")
        planted.append(f"{sentence}, dit Claire Martin au 06 12 34 56 78.")
    items += [(10_000 + i, text) for i, text in enumerate(planted)]
    by_id = dict(items)
    for topic in model.topics:
        quotes = model.quotes(topic.index, items, n=5)
        assert 1 <= len(quotes) <= 5
        assert len({i for i, _s in quotes}) == len(quotes)
        for item_id, sentence in quotes:
            assert item_id < 10_000
            assert sentence in sentences(by_id[item_id])
            assert not personal_data(sentence)


CAMPAIGN = (
    "Nous, parents et proches de personnes en situation de handicap, demandons que les "
    "dossiers déposés à la MDPH soient traités en moins de trois mois, que la prestation de "
    "compensation couvre enfin toute l'aide humaine dont nos enfants ont besoin, que chaque "
    "département ouvre des places de répit pour les aidants familiaux et qu'un interlocuteur "
    "unique suive chaque famille du premier rendez-vous jusqu'à la décision. Nous ne voulons "
    "plus attendre un an une réponse écrite dans une langue que personne ne comprend."
)
EDITS = {
    "demandons": ["réclamons", "exigeons", "demandon"],
    "trois": ["deux", "quatre", "3"],
    "enfin": ["vraiment", "réellement"],
    "chaque": ["tout", "chaque", "le"],
    "aidants": ["aidant", "aidents"],
    "unique": ["unique et stable", "référent"],
    "attendre": ["patienter", "attendre encore"],
    "nos": ["nos", "les"],
}
ENDINGS = [
    "",
    "",
    " Merci.",
    " Cordialement.",
    " Signé : une mère en colère.",
    " Merci de nous lire.",
]


def _near_copies(n: int, seed: int = 18) -> list[str]:
    """n copies of a petition, each with one to three small edits and maybe a sign-off."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = CAMPAIGN.split()
        for _edit in range(rng.randint(1, 3)):
            i = rng.randrange(len(words))
            kind = rng.choice(["swap", "drop", "typo", "case"])
            bare = words[i].strip(",.")
            if bare in EDITS:
                words[i] = words[i].replace(bare, rng.choice(EDITS[bare]))
            elif kind == "drop" and len(words) > 40:
                del words[i]
            elif kind == "typo" and len(words[i]) > 4:
                j = rng.randrange(1, len(words[i]) - 1)
                words[i] = words[i][:j] + words[i][j + 1 :]
            elif kind == "case":
                words[i] = words[i].upper()
            elif i + 1 < len(words):
                words[i], words[i + 1] = words[i + 1], words[i]
        out.append(" ".join(words) + rng.choice(ENDINGS))
    return out


def test_planted_campaign_is_found(corpus):
    _module, rows = corpus
    copies = _near_copies(500)
    assert len(set(copies)) > 400  # really near-copies, not one text 500 times
    items = [(i, row["text"]) for i, row in enumerate(rows)]
    planted = set(range(100_000, 100_500))
    items += list(zip(sorted(planted), copies, strict=True))
    groups = campaigns(items)
    best = max(groups, key=lambda g: len(planted & set(g)))
    found = planted & set(best)
    assert len(found) / len(planted) >= 0.95  # recall
    assert len(found) / len(best) >= 0.95  # precision
    # The corpus itself holds no campaign: every other group is small.
    assert all(len(g) <= 3 for g in groups if g is not best)


NAMES = ["Claire Martin", "Jean-Pierre Lefebvre", "Fatima Benali", "Kevin Nguyen", "Sophie Dubois"]


def test_personal_data_is_found_and_the_corpus_is_clean(corpus):
    _module, rows = corpus
    rng = random.Random(8)
    clean = [s for row in rows[::5] for s in sentences(row["text"])]
    flagged = [s for s in clean if personal_data(s)]
    # The corpus holds no personal data: false alarms stay rare (they only cost a quote).
    assert len(flagged) / len(clean) < 0.05, flagged[:10]
    planted = {
        "email": "Écrivez-moi à {} ou passez nous voir.",
        "phone": "Vous pouvez m'appeler au {} en semaine.",
        "name": "{} s'occupe de notre dossier depuis un an.",
        "address": "Le rendez-vous a lieu au {} chaque mardi.",
        "birth_date": "Je suis née le {} et je vis seule.",
    }
    values = {
        "email": lambda: f"{rng.choice(['c.martin', 'jp.lefebvre', 'fatima2'])}@exemple.fr",
        "phone": lambda: "0{} {:02d} {:02d} {:02d} {:02d}".format(
            *(rng.randint(1, 7), *(rng.randint(0, 99) for _ in range(4)))
        ),
        "name": lambda: rng.choice(NAMES),
        "address": lambda: f"{rng.randint(1, 150)} rue {rng.choice(['des Lilas', 'Victor Hugo'])}",
        "birth_date": lambda: (
            f"{rng.randint(1, 28)} {rng.choice(['mars', 'juin'])} 19{rng.randint(40, 99)}"
        ),
    }
    for kind, pattern in planted.items():
        hits = sum(kind in personal_data(pattern.format(values[kind]())) for _ in range(20))
        assert hits >= 19, kind
