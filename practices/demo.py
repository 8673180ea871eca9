"""Demo content: a handful of significant practices across territories, one left pending.

Called by the project's ``seed_demo`` command after the demo accounts exist; running
it twice changes nothing (a practice is recognised by its title).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from egts.models import Department, Policy, Territory, Theme, User

from . import services
from .models import Practice

# (department, title, summary, sections…, organisation, themes, policies, tags, featured)
PRACTICES = [
    {
        "department": "13",
        "title": "Petits-déjeuners partagés à la halte de nuit",
        "summary": (
            "Chaque matin, éducateurs et bénévoles prennent le petit-déjeuner avec les "
            "personnes hébergées : un moment sans guichet où l'accompagnement reprend."
        ),
        "context": (
            "Les personnes hébergées en halte de nuit partaient à l'aube sans avoir croisé un "
            "travailleur social ; les rendez-vous fixés dans la journée n'étaient pas honorés."
        ),
        "people_concerned": "Personnes sans domicile hébergées en halte de nuit.",
        "actors": "Association gestionnaire, bénévoles, banque alimentaire, CCAS.",
        "implementation": (
            "Un éducateur et deux bénévoles ouvrent la salle commune de 6 h 30 à 8 h. Pas "
            "d'entretien formel : on discute, on prend rendez-vous si la personne le souhaite."
        ),
        "results": (
            "En un an, deux fois plus de rendez-vous pris et tenus ; plusieurs ouvertures de "
            "droits (domiciliation, RSA) engagées à partir de ces échanges."
        ),
        "transfer_conditions": (
            "Un local avec un coin cuisine, un partenariat alimentaire, et des horaires "
            "d'équipe décalés acceptés par l'employeur."
        ),
        "organisation": "Association Le Fanal",
        "themes": ["T1", "T6"],
        "policies": ["P1"],
        "tags": ["Aller-vers", "Hébergement"],
        "featured": True,
    },
    {
        "department": "35",
        "title": "Conseil de la vie sociale élargi aux familles en foyer de l'enfance",
        "summary": (
            "Les parents des enfants accueillis siègent au conseil du foyer et préparent "
            "ensemble les règles de visite et de sortie."
        ),
        "context": (
            "Les familles vivaient les règles du foyer comme imposées et les conflits lors des "
            "visites se multipliaient."
        ),
        "people_concerned": "Enfants confiés et leurs parents.",
        "actors": "Foyer départemental de l'enfance, service d'aide sociale à l'enfance.",
        "implementation": (
            "Quatre réunions par an, préparées avec une éducatrice ; un compte rendu illustré "
            "est affiché dans l'entrée et remis aux familles."
        ),
        "results": "Règlement des visites réécrit avec les parents ; moins d'incidents signalés.",
        "transfer_conditions": "Un soutien clair de la direction et du temps éducatif dédié.",
        "organisation": "Foyer départemental de l'enfance d'Ille-et-Vilaine",
        "themes": ["T1"],
        "policies": ["P2"],
        "tags": ["Participation", "Protection de l'enfance"],
        "featured": False,
    },
    {
        "department": "59",
        "title": "Formation croisée entre assistants sociaux et conseillers Pôle emploi",
        "summary": (
            "Trois journées communes pour connaître les métiers de l'autre et bâtir des "
            "accompagnements conjoints vers l'emploi."
        ),
        "context": (
            "Les personnes accompagnées étaient orientées d'un guichet à l'autre sans "
            "coordination ni langage commun."
        ),
        "people_concerned": "Bénéficiaires du RSA en parcours d'insertion professionnelle.",
        "actors": "Conseil général, Pôle emploi, institut régional du travail social.",
        "implementation": (
            "Trois journées animées par l'institut de formation, des études de cas réelles "
            "anonymisées et une fiche de liaison commune."
        ),
        "results": "Quarante professionnels formés ; la fiche de liaison est utilisée partout.",
        "transfer_conditions": "Une convention entre employeurs et un formateur neutre.",
        "organisation": "Institut régional du travail social Nord - Pas-de-Calais",
        "themes": ["T4", "T5"],
        "policies": ["P1"],
        "tags": ["Formation", "Insertion"],
        "featured": False,
    },
    {
        "department": "67",
        "title": "Analyse des pratiques ouverte aux agents d'accueil",
        "summary": (
            "Les agents d'accueil des centres médico-sociaux participent aux séances "
            "d'analyse des pratiques avec les travailleurs sociaux."
        ),
        "context": (
            "Les agents d'accueil recevaient des personnes en détresse sans espace pour en "
            "parler ; l'épuisement et les arrêts se multipliaient."
        ),
        "people_concerned": "Agents d'accueil et travailleurs sociaux de polyvalence.",
        "actors": "Direction de l'action sociale, psychologue superviseur extérieur.",
        "implementation": "Une séance mensuelle de deux heures, en petit groupe fixe.",
        "results": "Moins d'arrêts de travail ; les agents disent se sentir reconnus.",
        "transfer_conditions": "Un budget de supervision et un temps protégé sur l'agenda.",
        "organisation": "Conseil général du Bas-Rhin",
        "themes": ["T3"],
        "policies": ["P5"],
        "tags": ["Qualité de vie au travail"],
        "featured": False,
    },
    {
        "department": "974",
        "title": "Développement social local dans un quartier des Hauts",
        "summary": (
            "Un diagnostic partagé avec les habitants a fait naître un jardin collectif et "
            "une permanence d'accès aux droits au cœur du quartier."
        ),
        "context": "Un quartier éloigné des services, des habitants isolés, peu de transports.",
        "people_concerned": "Habitants du quartier, notamment les personnes âgées isolées.",
        "actors": "CCAS, association de quartier, bailleur social, mairie annexe.",
        "implementation": (
            "Des porte-à-porte et des réunions de palier, puis des groupes de travail "
            "d'habitants accompagnés par deux travailleurs sociaux."
        ),
        "results": "Un jardin tenu par vingt familles ; une permanence hebdomadaire fréquentée.",
        "transfer_conditions": "Du temps long : au moins deux ans d'engagement des équipes.",
        "organisation": "CCAS de Saint-Denis",
        "themes": ["T6"],
        "policies": ["P3"],
        "tags": ["Intervention collective"],
        "featured": True,
    },
    {
        "department": "69",
        "title": "Référent unique pour les personnes âgées à domicile",
        "summary": (
            "Une seule personne coordonne les aides pour chaque personne âgée fragile, "
            "quel que soit le service qui l'a repérée."
        ),
        "context": "Jusqu'à six intervenants différents chez une même personne, sans lien.",
        "people_concerned": "Personnes âgées fragiles vivant à domicile et leurs aidants.",
        "actors": "Centre local d'information et de coordination, SSIAD, services d'aide.",
        "implementation": "Une réunion de concertation mensuelle désigne le référent.",
        "results": "Moins d'hospitalisations en urgence ; des aidants mieux soutenus.",
        "transfer_conditions": "Un outil de partage d'information conforme et des accords.",
        "organisation": "CLIC du Grand Lyon",
        "themes": ["T4"],
        "policies": ["P4"],
        "tags": ["Coordination"],
        "featured": False,
    },
]

PENDING = {
    "department": "33",
    "title": "Permanence sociale dans une gare régionale",
    "summary": "Une assistante sociale tient une permanence hebdomadaire dans le hall de la gare.",
    "context": "Des personnes sans domicile passent leurs journées en gare sans contact social.",
    "people_concerned": "Personnes sans domicile, voyageurs en difficulté.",
    "actors": "SNCF, CCAS, association d'insertion.",
    "implementation": "Un bureau prêté par la gare, une demi-journée par semaine.",
    "results": "Premières domiciliations ouvertes ; des liens avec les maraudes.",
    "transfer_conditions": "Un partenaire qui prête un lieu fréquenté.",
    "organisation": "CCAS de Bordeaux",
    "themes": ["T1"],
    "policies": ["P1"],
}


def _data(spec: dict) -> dict:
    return {
        **{k: v for k, v in spec.items() if k not in ("tags", "featured")},
        "department": Department.objects.select_related("region").get(code=spec["department"]),
        "themes": list(Theme.objects.filter(code__in=spec["themes"])),
        "policies": list(Policy.objects.filter(code__in=spec["policies"])),
        "contact_email": "participant@egts.example",
    }


@transaction.atomic
def seed(*, log: Callable[[str], None]) -> None:
    author = User.objects.filter(email="participant@egts.example").first()
    national = User.objects.filter(is_national_team=True).order_by("pk").first()
    if author is None or national is None:
        log("Pratiques de démonstration ignorées : comptes de démonstration absents.")
        return
    created = 0
    for spec in PRACTICES:
        if Practice.objects.filter(title=spec["title"]).exists():
            continue
        practice = services.practice_create(author=author, data=_data(spec))
        services.practice_moderate(
            practice=practice,
            moderator=national,
            decision="publish",
            message="Merci pour ce partage.",
            tags=spec["tags"],
        )
        if spec["featured"]:
            services.practice_feature(practice=practice, user=national, featured=True)
        created += 1
    if not Practice.objects.filter(title=PENDING["title"]).exists():
        services.practice_create(author=author, data=_data(PENDING))
        created += 1
    # Essaimage: the Grand Sud's practice offered to the two overseas territories.
    shared = Practice.objects.published().filter(title=PRACTICES[0]["title"]).first()
    if shared is not None and not shared.shares.exists():
        services.practice_share(
            practice=shared,
            shared_by=national,
            territories=Territory.objects.filter(overseas=True),
            message="Une pratique simple à essaimer dans les haltes de nuit.",
        )
    log(f"Pratiques de démonstration : {created} créées.")
