import pytest
from sklearn.metrics import adjusted_mutual_info_score

from analysis.engine import TopicModel, personal_data, sentences

from .fixture import texts


@pytest.fixture(scope="module")
def data():
    return texts()


@pytest.fixture(scope="module")
def model(data):
    return TopicModel.fit([t for _topic, t in data], seed=3)


def test_fit_finds_the_planted_topics(data, model):
    assert 2 <= len(model.topics) <= 30
    assigned = model.assign([t for _topic, t in data])
    assert all(t is not None and 0 < w <= 1 for t, w in assigned)
    ami = adjusted_mutual_info_score([topic for topic, _ in data], [t for t, _ in assigned])
    assert ami >= 0.6


def test_same_input_same_model(data, model):
    again = TopicModel.fit([t for _topic, t in data], seed=3)
    assert again.to_bytes() == model.to_bytes()


def test_round_trip(data, model):
    copy = TopicModel.from_bytes(model.to_bytes())
    sample = [t for _topic, t in data[:10]]
    assert copy.assign(sample) == model.assign(sample)
    assert [t.label for t in copy.topics] == [t.label for t in model.topics]


def test_text_without_known_words_has_no_topic(model):
    assert model.assign(["", "zzz qqq"]) == [(None, 0.0), (None, 0.0)]


def test_labels_are_written_words(model):
    for topic in model.topics:
        assert topic.label and topic.keywords
        for keyword in topic.keywords:
            assert " " in keyword or keyword.isalpha() or keyword.isdigit() or "-" in keyword


def test_quotes_verbatim_one_per_source_without_personal_data(data, model):
    items = [(i, t) for i, (_topic, t) in enumerate(data)]
    items.append((999, "Le 115 ne répond plus le soir, appelez Mme Durand au 06 12 34 56 78."))
    members = {t for t, _w in model.assign([t for _i, t in items])}
    for topic in model.topics:
        quotes = model.quotes(topic.index, items, n=5)
        assert len(quotes) <= 5
        assert quotes or topic.index not in members
        ids = [i for i, _ in quotes]
        assert len(ids) == len(set(ids))
        by_id = dict(items)
        for item_id, sentence in quotes:
            assert sentence in sentences(by_id[item_id])
            assert personal_data(sentence) == set()


def test_bad_topic_or_no_items(model):
    assert model.quotes(99, [(1, "texte")]) == []
    assert model.quotes(0, []) == []


def test_max_topics_is_respected(data):
    model = TopicModel.fit([t for _topic, t in data], seed=3, max_topics=2)
    assert len(model.topics) <= 2
    assert set(model.params["stability"]) == {"2"}


def test_too_few_texts_give_one_topic():
    model = TopicModel.fit(["Le 115 ne répond plus.", "Le logement manque."])
    assert len(model.topics) == 1
    (topic, weight), unknown = model.assign(["logement", "zzz"])
    assert topic == 0 and 0 < weight <= 1
    assert unknown == (None, 0.0)
