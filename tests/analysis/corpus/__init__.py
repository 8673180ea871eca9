"""Labelled French corpus for judging the free-text analysis (issue 18).

Every ``*.jsonl`` file beside this module is one part of the corpus (``corpus_a.jsonl``
holds topics 1–5, ``corpus_b.jsonl`` topics 6–10); ``load()`` reads them all so that the
quality tests never depend on which parts happen to be present. See README.md.
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

# code -> what a contribution of that topic is about (the label a person would expect).
TOPICS: dict[str, str] = {
    "acces_droits": "Accès aux droits : non-recours, complexité administrative, dossiers, CAF, RSA",
    "metiers": "Métiers du travail social : reconnaissance, salaires, attractivité, épuisement",
    "formation": "Formation initiale et continue : écoles, stages, gratification, diplômes",
    "coordination": "Coordination : partage d'information, secret partagé, référent unique",
    "numerique": "Numérique : dématérialisation, fracture numérique, démarches en ligne, guichets",
    "participation": "Participation des personnes accompagnées : pouvoir d'agir, pair-aidance, CVS",
    "logement": "Logement et hébergement : hébergement d'urgence, 115, SIAO, expulsions, sans-abri",
    "enfance": "Protection de l'enfance : ASE, placements, jeunes majeurs, familles d'accueil",
    "autonomie": "Autonomie : personnes âgées, handicap, aidants, domicile, EHPAD, APA, PCH",
    "ruralite": "Territoires ruraux : mobilité, transports, permanences itinérantes, isolement",
}

# code -> real French words a reader expects to find in a good label for that topic
# (lower case, with accents; acronyms such as CAF or RSA are left out on purpose: a
# label made only of acronyms is not readable). Used by the label readability test.
TOPIC_WORDS: dict[str, list[str]] = {
    "acces_droits": [
        "droits",
        "accès",
        "dossier",
        "démarches",
        "administratif",
        "allocation",
        "aide",
        "prestations",
        "non-recours",
        "justificatifs",
        "papiers",
        "formulaire",
    ],
    "metiers": [
        "métier",
        "salaire",
        "reconnaissance",
        "épuisement",
        "travailleurs",
        "éducateur",
        "assistante",
        "sociale",
        "rémunération",
        "équipe",
        "recrutement",
        "burn-out",
    ],
    "formation": [
        "formation",
        "école",
        "stage",
        "stagiaire",
        "gratification",
        "diplôme",
        "étudiant",
        "apprentissage",
        "continue",
        "initiale",
        "terrain",
        "enseignement",
    ],
    "coordination": [
        "coordination",
        "partenaires",
        "institutions",
        "information",
        "secret",
        "partagé",
        "référent",
        "réunion",
        "partenariat",
        "cloisonnement",
        "échanges",
        "acteurs",
    ],
    "numerique": [
        "numérique",
        "internet",
        "ligne",
        "dématérialisation",
        "ordinateur",
        "accueil",
        "téléphone",
        "site",
        "mail",
        "guichet",
        "écran",
        "informatique",
    ],
    "participation": [
        "participation",
        "parole",
        "personnes",
        "accompagnées",
        "pouvoir",
        "agir",
        "pair-aidance",
        "citoyenneté",
        "écoute",
        "conseil",
        "instances",
        "usagers",
    ],
    "logement": [
        "logement",
        "hébergement",
        "urgence",
        "expulsion",
        "sans-abri",
        "loyer",
        "rue",
        "foyer",
        "bailleur",
        "appartement",
        "insalubre",
        "hôtel",
    ],
    "enfance": [
        "enfance",
        "enfant",
        "protection",
        "placement",
        "famille",
        "accueil",
        "jeunes",
        "majeurs",
        "parents",
        "foyer",
        "éducateur",
        "mineurs",
    ],
    "autonomie": [
        "autonomie",
        "âgées",
        "handicap",
        "aidants",
        "domicile",
        "maintien",
        "dépendance",
        "vieillissement",
        "établissement",
        "aide",
        "handicapé",
        "retraite",
    ],
    "ruralite": [
        "rural",
        "campagne",
        "mobilité",
        "transports",
        "isolement",
        "permanence",
        "village",
        "voiture",
        "commune",
        "kilomètres",
        "itinérante",
        "déplacement",
    ],
}


def load() -> list[dict]:
    """Every text of every part, sorted by id (``a-0001``… before ``b-0001``…)."""
    rows = []
    for path in sorted(HERE.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return sorted(rows, key=lambda row: row["id"])
