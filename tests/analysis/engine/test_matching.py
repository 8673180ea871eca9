from analysis.engine import match_topics


def test_topics_matched_by_keywords_even_reordered():
    old = [["logement", "hébergement d'urgence", "115"], ["enfance", "placements", "ASE"]]
    new = [
        ["protection de l'enfance", "placement", "familles d'accueil"],
        ["logements", "115"],
        ["numérique", "internet"],
    ]
    assert match_topics(old, new) == {0: 1, 1: 0}


def test_no_topics():
    assert match_topics([], [["a"]]) == {}
