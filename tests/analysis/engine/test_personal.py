import pytest

from analysis.engine import personal_data


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Écrivez-moi à jean.dupont@exemple.fr pour en parler.", "email"),
        ("Appelez le 06 12 34 56 78 le matin.", "phone"),
        ("Mon numéro : +33 6 12 34 56 78.", "phone"),
        ("Mon assistante sociale, Marie Lefèvre, ne répond plus.", "name"),
        ("J'ai vu Mme Durand hier.", "name"),
        ("J'habite au 12 rue des Lilas depuis dix ans.", "address"),
        ("Le dossier est à envoyer au 3 bis avenue Jean Jaurès.", "address"),
        ("Notre centre est à 69003 Lyon.", "address"),
        ("Je suis née le 3 mars 1975 à Lille.", "birth_date"),
        ("Date de naissance : 03/04/1980.", "birth_date"),
        ("Mon fils, né en 2007, est placé.", "birth_date"),
    ],
)
def test_each_kind_is_found(text, kind):
    assert kind in personal_data(text)


@pytest.mark.parametrize(
    "text",
    [
        "La CAF ne répond pas et le RSA arrive en retard.",
        "Les éducateurs de l'ASE sont épuisés.",
        "J'appelle le 115 tous les soirs depuis 2021.",
        "Les personnes âgées attendent des mois pour l'APA.",
        "Il faut 45 minutes de route pour rejoindre la permanence.",
    ],
)
def test_ordinary_sentences_carry_none(text):
    assert personal_data(text) == set()


def test_empty_text():
    assert personal_data("") == set()
