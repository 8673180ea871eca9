"""Factories for analysis runs and their topics, and published French texts to analyse.

``publish_texts`` creates published contributions composed of hand-written sentences
of a few topics (a seeded generator picks them), so that the real engine finds those
topics in the app's tests; the quality of the engine itself is tested on the shipped
corpus (tests/analysis/corpus).
"""

from __future__ import annotations

import random

import factory
from django.utils import timezone

from analysis.models import (
    AnalysisRun,
    Campaign,
    Quote,
    RunPhase,
    RunStatus,
    ShareDimension,
    Topic,
    TopicMembership,
    TopicShare,
    scope_key,
)
from contributions.models import Contribution
from egts.models import ActorCategory, Department, Territory, Theme
from egts.moderation import ModerationStatus

POOLS = {
    "logement": [
        "Le 115 ne répond plus le soir et les familles dorment dehors.",
        "Les places d'hébergement d'urgence manquent dans notre département.",
        "Une famille expulsée de son logement attend une solution depuis des mois.",
        "Le loyer du logement social reste trop cher pour les petites retraites.",
        "Les nuits d'hôtel ne remplacent pas un vrai logement pour les enfants.",
        "Le SIAO oriente vers un hébergement mais les listes d'attente s'allongent.",
        "Les bailleurs refusent les dossiers des locataires au RSA.",
        "Un logement insalubre rend les enfants malades, l'humidité ronge les murs.",
    ],
    "enfance": [
        "La protection de l'enfance manque d'éducateurs pour suivre les placements.",
        "Les jeunes majeurs sortent de l'ASE à dix-huit ans sans aucun soutien.",
        "Les familles d'accueil sont épuisées et trop peu nombreuses.",
        "Un enfant placé change de foyer trois fois en un an.",
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
        "Les conseillers numériques aident à créer un compte en ligne.",
        "Le site plante, le mot de passe est perdu, la démarche en ligne échoue.",
        "Il faut garder un accueil au guichet pour ceux qui n'utilisent pas internet.",
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

CAMPAIGN_TEXT = (
    "Nous, habitants du quartier, demandons la réouverture immédiate de la permanence "
    "sociale de la mairie annexe, fermée depuis le printemps, car les familles doivent "
    "désormais prendre deux bus pour rencontrer une assistante sociale et beaucoup "
    "renoncent à leurs droits."
)


def compose(topic: str, rng: random.Random, used: set | None = None) -> str:
    """3 to 5 sentences of the topic's pool; with ``used``, never twice the same set."""
    pool = POOLS[topic]
    while True:
        picked = rng.sample(pool, rng.randint(3, 5))
        if used is None or frozenset(picked) not in used:
            break
    if used is not None:
        used.add(frozenset(picked))
    return " ".join(picked)


def department_of(slug: str) -> Department:
    return (
        Department.objects.select_related("region__territory")
        .filter(region__territory__slug=slug)
        .order_by("code")
        .first()
    )


def publish_texts(
    *,
    per_topic: int = 12,
    territory: str | None = "grand-sud",
    topics: list[str] | None = None,
    seed: int = 1,
    theme: str = "T1",
    actor_categories: list[str] | None = None,
) -> list[Contribution]:
    """Published contributions, ``per_topic`` per topic, in one territory (None: national).
    Their raw ``body`` carries a word the moderation removed from ``published_body``."""
    rng = random.Random(seed)
    department = department_of(territory) if territory else None
    categories = actor_categories or [
        ActorCategory.PROFESSIONNELS,
        ActorCategory.USAGERS,
        ActorCategory.BENEVOLES,
    ]
    now = timezone.now()
    created = []
    used: set = set()
    for topic in topics or list(POOLS):
        for n in range(per_topic):
            text = compose(topic, rng, used)
            created.append(
                Contribution(
                    kind="observation",
                    title=f"{topic.capitalize()} : témoignage {n + 1}",
                    body=text + " Signé Zorglubesque, joignable au bureau.",
                    published_body=text,
                    department=department,
                    territory=department.region.territory if department else None,
                    actor_category=categories[n % len(categories)],
                    status=ModerationStatus.PUBLISHED,
                    submitted_at=now,
                    published_at=now,
                )
            )
    contributions = Contribution.objects.bulk_create(created)
    theme_object = Theme.objects.get(code=theme)
    Contribution.themes.through.objects.bulk_create(
        Contribution.themes.through(contribution_id=c.pk, theme_id=theme_object.pk)
        for c in contributions
    )
    return contributions


def publish_campaign(
    *, copies: int = 6, territory: str | None = "grand-sud", seed: int = 3
) -> list[Contribution]:
    """Near-copies of one templated text (one word changed or added in each)."""
    rng = random.Random(seed)
    department = department_of(territory) if territory else None
    now = timezone.now()
    words = CAMPAIGN_TEXT.split()
    created = []
    for n in range(copies):
        edited = list(words)
        if n:
            position = rng.randrange(len(edited))
            edited.insert(position, rng.choice(["vraiment", "aussi", "très", "donc"]))
        text = " ".join(edited)
        created.append(
            Contribution(
                kind="expectation",
                title=f"Permanence sociale {n + 1}",
                body=text,
                published_body=text,
                department=department,
                territory=department.region.territory if department else None,
                actor_category=ActorCategory.USAGERS,
                status=ModerationStatus.PUBLISHED,
                submitted_at=now,
                published_at=now,
            )
        )
    contributions = Contribution.objects.bulk_create(created)
    theme = Theme.objects.get(code="T1")
    Contribution.themes.through.objects.bulk_create(
        Contribution.themes.through(contribution_id=c.pk, theme_id=theme.pk) for c in contributions
    )
    return contributions


# --- Model factories (for API and page tests that need no pipeline) ----------------------


class AnalysisRunFactory(factory.django.DjangoModelFactory):
    """A finished run of Grand Sud; ``national=True`` for all territories."""

    class Meta:
        model = AnalysisRun

    territory = factory.LazyFunction(lambda: Territory.objects.get(slug="grand-sud"))
    theme = None
    scope_key = factory.LazyAttribute(lambda o: scope_key(o.territory, o.theme))
    version = factory.Sequence(lambda n: n + 1)
    status = RunStatus.DONE
    phase = RunPhase.FINALISE
    progress = 100
    documents = 0
    requested_by = factory.SubFactory("tests.factories.egts.UserFactory", national=True)
    finished_at = factory.LazyFunction(timezone.now)

    class Params:
        national = factory.Trait(territory=None)
        running = factory.Trait(
            status=RunStatus.RUNNING,
            phase=RunPhase.ASSIGN,
            progress=40,
            finished_at=None,
            heartbeat_at=factory.LazyFunction(timezone.now),
        )


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    run = factory.SubFactory(AnalysisRunFactory)
    index = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: f"hébergement d'urgence · familles {n}")
    engine_label = factory.LazyAttribute(lambda o: o.label)
    keywords = factory.LazyFunction(lambda: ["hébergement d'urgence", "familles", "115"])
    size = 0
    documents = 0


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    topic = factory.SubFactory(TopicFactory)
    contribution = factory.SubFactory(
        "tests.factories.contributions.ContributionFactory", published=True
    )
    text = factory.LazyAttribute(lambda o: o.contribution.published_body.split(".")[0] + ".")


def add_members(topic: Topic, contributions, *, campaign: Campaign | None = None) -> None:
    """Put published contributions in a topic (as a finished run would) and set its size."""
    TopicMembership.objects.bulk_create(
        TopicMembership(
            run_id=topic.run_id,
            topic=topic,
            contribution=c,
            chunk=0,
            weight=1.0,
            campaign=campaign,
            actor_category=c.actor_category,
            territory_id=c.territory_id,
        )
        for c in contributions
    )
    from analysis.services.finalise import compute_sizes_and_shares

    compute_sizes_and_shares(topic.run, [topic.pk])
    topic.refresh_from_db()


def share(topic: Topic, code: str, count: int, dimension: str = ShareDimension.ACTOR_CATEGORY):
    return TopicShare.objects.create(topic=topic, dimension=dimension, code=code, count=count)
