"""Moderation flags for person names, postal addresses and dates of birth (issue 18 item 8),
from the one detector that the analysis' quotes use too (egts/personal_data.py)."""

import pytest

from egts.moderation import Flag, detect_personal_data
from tests.factories.contributions import ContributionFactory, department
from tests.factories.egts import UserFactory, copil_member

# Sentences as participants write them: each carries one kind of personal data.
PLANTED = [
    ("Mme Lefebvre, l'assistante sociale, nous a beaucoup aidés.", "name"),
    ("J'ai été suivie par Sophie Martin pendant deux ans.", "name"),
    ("Monsieur Benali n'a jamais eu de réponse de la CAF.", "name"),
    ("Mon éducateur, Karim Haddad, m'a trouvé un stage.", "name"),
    ("Nous avons rencontré Jean-Pierre Moreau à la mairie.", "name"),
    ("Le docteur Girard a signalé la situation au département.", "name"),
    ("Ma fille Léa Rousseau attend une place depuis un an.", "name"),
    ("Merci à Nathalie Petit pour son écoute à l'accueil.", "name"),
    ("Écrivez-moi au 12 rue des Lilas, je vous expliquerai.", "address"),
    ("Le centre social est au 4 bis avenue Jean Jaurès.", "address"),
    ("J'habite 27 boulevard Victor Hugo depuis dix ans.", "address"),
    ("Notre local, 3 impasse du Moulin, est trop petit.", "address"),
    ("Je vis à 69003 Lyon avec mes deux enfants.", "address"),
    ("Le foyer du 8 chemin des Vignes ferme le soir.", "address"),
    ("Je suis née le 3 mars 1980 et je n'ai jamais travaillé.", "birth_date"),
    ("Date de naissance : 12/05/1975, dossier toujours bloqué.", "birth_date"),
    ("Mon fils, né le 14/07/2009, n'a pas d'AESH.", "birth_date"),
    ("Né en 1962, je touche le RSA depuis des années.", "birth_date"),
    ("Ma mère, née le 1er janvier 1950, vit seule.", "birth_date"),
    ("Contactez-moi : marie.durand@exemple.fr pour témoigner.", "email"),
    ("Appelez le 06 12 34 56 78 pour en savoir plus.", "phone"),
]
# Sentences without personal data, with the capitalised words and acronyms the field uses.
CLEAN = [
    "La CAF met trois mois à traiter un dossier de RSA.",
    "Les travailleurs sociaux manquent de temps pour l'accompagnement.",
    "Le département de la Gironde a ouvert un nouveau service.",
    "Nous demandons plus de moyens pour l'ASE et la PMI.",
    "L'accueil de jour de Marseille est saturé tout l'hiver.",
    "Il faudrait simplifier les démarches en ligne pour les personnes âgées.",
    "Les bénévoles du Secours populaire font un travail remarquable.",
    "En 2015, les assises territoriales ont réuni beaucoup de monde.",
    "Le 3 mars, la réunion du COPIL a validé les propositions.",
    "Les MDPH doivent répondre plus vite aux familles.",
    "Une permanence le mardi à la Maison des solidarités aiderait.",
    "Les jeunes majeurs sortant de l'ASE n'ont souvent aucune solution.",
    "Le Conseil départemental finance la mesure pour trois ans.",
    "Bonjour, je voudrais dire que le travail social a changé.",
    "La formation des éducateurs doit inclure le numérique.",
    "Les 35 heures ont réduit le temps passé avec les familles.",
    "Pôle emploi et la Mission locale devraient travailler ensemble.",
    "Un logement sur trois du parc social est trop petit.",
    "Le projet a commencé en janvier 2014 dans trois quartiers.",
    "Les usagers veulent être associés aux décisions qui les concernent.",
]


def test_the_planted_sentences_are_flagged_with_their_kind_and_the_clean_ones_are_not():
    hits = sum(kind in detect_personal_data(text) for text, kind in PLANTED)
    false_alarms = [text for text in CLEAN if detect_personal_data(text)]
    recall = hits / len(PLANTED)
    precision = hits / (hits + len(false_alarms))
    print(f"personal data flags: recall {recall:.2f}, precision {precision:.2f}")
    assert recall >= 0.9, [t for t, k in PLANTED if k not in detect_personal_data(t)]
    assert precision >= 0.9, false_alarms


def test_flags_come_in_one_order_whatever_the_text():
    text = "Mme Lefebvre, 12 rue des Lilas, née le 3 mars 1980, 06 12 34 56 78, a@b.fr"
    assert detect_personal_data(text) == [
        Flag.EMAIL,
        Flag.PHONE,
        Flag.NAME,
        Flag.ADDRESS,
        Flag.BIRTH_DATE,
    ]
    assert detect_personal_data("", None) == []


@pytest.mark.django_db
def test_a_submitted_contribution_with_a_name_and_an_address_is_flagged_in_the_queue(
    client, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    from contributions.models import Contribution

    participant = APIClient()
    participant.force_authenticate(UserFactory())
    # The name comes from the screening task sent on commit (eager here).
    with django_capture_on_commit_callbacks(execute=True):
        response = participant.post(
            "/api/v1/contributions/",
            {
                "kind": "observation",
                "title": "Un accompagnement qui a tout changé",
                "body": "Sophie Martin, qui reçoit au 12 rue des Lilas, m'a aidée à retrouver "
                "un logement après des mois d'attente.",
                "themes": ["T4"],
                "department": "33",
                "actor_category": "usagers",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    contribution = Contribution.objects.get(pk=response.json()["id"])
    assert contribution.flags == ["name", "address"]

    ContributionFactory(title="Sans rien de personnel", department=department("33"))
    client.force_login(copil_member(contribution.territory))
    page = client.get(f"/espace/{contribution.territory.slug}/moderation/", {"signales": "1"})
    rows = page.context["rows"]
    assert [r["title"] for r in rows] == ["Un accompagnement qui a tout changé"]
    assert rows[0]["flag_labels"] == [
        "Contient le nom d'une personne",
        "Contient une adresse postale",
    ]
    assert "Contient le nom d&#x27;une personne" in page.content.decode()
