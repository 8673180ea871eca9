"""A small labelled fixture for the engine's unit tests (the quality tests use the shipped
corpus, tests.analysis.corpus). Texts are composed from hand-written sentences of four
topics, picked by a seeded generator: varied enough for the topics to be found."""

import random

POOLS = {
    "logement": [
        "Le 115 ne répond plus le soir et les familles dorment dans la rue.",
        "Les places d'hébergement d'urgence manquent cruellement dans notre ville.",
        "Une famille expulsée de son logement attend une solution depuis des mois.",
        "Le loyer du logement social reste trop cher pour les petites retraites.",
        "Les nuits d'hôtel ne remplacent pas un vrai logement pour les enfants.",
        "Le SIAO oriente vers un hébergement mais les listes d'attente explosent.",
        "Les bailleurs refusent les dossiers des personnes au RSA pour un appartement.",
        "Un logement insalubre rend les enfants malades, l'humidité est partout.",
    ],
    "enfance": [
        "La protection de l'enfance manque d'éducateurs pour suivre les placements.",
        "Les jeunes majeurs sortent de l'ASE à dix-huit ans sans aucun soutien.",
        "Les familles d'accueil sont épuisées et trop peu nombreuses.",
        "Un enfant placé change de foyer trois fois en un an, c'est trop.",
        "Le juge des enfants ordonne des placements qui ne sont pas exécutés.",
        "Les assistantes familiales accueillent des enfants de l'ASE sans formation.",
        "Les parents d'un enfant placé veulent garder un lien avec leur enfant.",
        "Le contrat jeune majeur devrait être garanti pour tous les jeunes de l'ASE.",
    ],
    "numerique": [
        "La dématérialisation des démarches exclut ceux qui n'ont pas internet.",
        "Sans ordinateur ni connexion, faire sa demande en ligne est impossible.",
        "L'accueil physique au guichet a disparu, tout passe par un site internet.",
        "La fracture numérique touche les personnes âgées et les plus précaires.",
        "Les conseillers numériques aident à créer un compte en ligne et un mail.",
        "Le site plante, le mot de passe est perdu, la démarche en ligne échoue.",
        "Il faudrait garder un accueil au guichet pour ceux qui ne savent pas utiliser internet.",
        "Les démarches en ligne sur un téléphone sont trop compliquées.",
    ],
    "metiers": [
        "Les travailleurs sociaux sont épuisés et les salaires restent bas.",
        "Le métier d'éducateur manque de reconnaissance et d'attractivité.",
        "Les équipes tournent, le recrutement d'assistantes sociales est impossible.",
        "Une revalorisation des salaires des travailleurs sociaux est urgente.",
        "L'épuisement professionnel gagne les équipes, les arrêts maladie se multiplient.",
        "Le Ségur a oublié une partie des métiers du social dans la revalorisation.",
        "Les jeunes diplômés quittent le métier après deux ans faute de reconnaissance.",
        "Le salaire d'une éducatrice spécialisée ne permet pas de vivre en ville.",
    ],
}


def texts(per_topic: int = 15, seed: int = 7) -> list[tuple[str, str]]:
    """(topic, text) pairs, per_topic texts per topic, each of 3 to 5 sentences."""
    rng = random.Random(seed)
    out = []
    for topic, pool in POOLS.items():
        for _ in range(per_topic):
            out.append((topic, " ".join(rng.sample(pool, rng.randint(3, 5)))))
    rng.shuffle(out)
    return out
