from analysis.engine import lemmas, sentences
from analysis.engine.text import feature_surfaces, features


def test_lemmas_fold_case_accents_plurals_and_drop_stop_words():
    assert lemmas("Les Dossiers de l'Hébergement sont compliqués") == [
        "dossier",
        "hebergement",
        "complique",
    ]
    # Spelling variants without accents meet the accented form.
    assert lemmas("hebergement") == lemmas("hébergement")
    assert lemmas("le la les de et à") == []


def test_personne_is_a_content_word_here():
    assert "personne" in lemmas("Les personnes âgées")


def test_features_join_phrases_across_stop_words_not_punctuation():
    terms = features("L'accès aux droits. Dossiers perdus")
    assert "acces droit" in terms
    assert "droit dossier" not in terms


def test_surface_forms_are_the_written_words():
    text = "L'accès aux droits reste difficile pour les personnes âgées."
    found = dict(feature_surfaces(text, {"acces droit", "personne age", "droit"}))
    assert found == {
        "acces droit": "accès aux droits",
        "personne age": "personnes âgées",
        "droit": "droits",
    }


def test_sentences_are_verbatim_substrings():
    text = "Bonjour M. Dupont m'a aidé.  Ça va ?\nOui, très bien… Merci !"
    parts = sentences(text)
    assert parts == ["Bonjour M. Dupont m'a aidé.", "Ça va ?", "Oui, très bien…", "Merci !"]
    assert all(p in text for p in parts)


def test_empty_and_odd_input():
    assert lemmas("") == []
    assert sentences("") == []
    assert sentences("   ") == []
    assert lemmas("1234 !!! ???") == []
