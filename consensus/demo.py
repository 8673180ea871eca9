"""Demo statements and votes, called by seed_demo (idempotent: nothing is added twice).

Seven demo voters per actor category vote on every statement: six agree or disagree
as the statement's profile says, the seventh passes. The national results are then
computed at once, so that /consensus/ shows consensus and divisive statements.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from egts.models import ActorCategory, Policy, Territory, Theme
from egts.moderation import ModerationStatus

from .models import Computation, Statement, StatementSource, Vote, VoteChoice
from .results import scope_of
from .tasks import compute_results

VOTERS_PER_CATEGORY = 6
VOTE_TERRITORIES = ("grand-sud", "rhone-alpes-auvergne", "grand-est")

# (theme, policy, text, how many of the six voters of each category agree, in the order
# of ActorCategory: élus, professionnels, employeurs, formation, encadrement, autres
# professionnels, bénévoles, usagers). 4 of 6 or more everywhere: a consensus; 2 or fewer
# everywhere: a consensus against; 6 beside 2 or fewer: divisive.
STATEMENTS = [
    (
        "T1",
        None,
        "Les personnes accompagnées devraient participer à la formation des travailleurs sociaux.",
        "55455456",
    ),
    (
        "T4",
        "P1",
        "Un référent unique devrait coordonner l'accompagnement de chaque personne suivie "
        "par plusieurs services.",
        "54545555",
    ),
    (
        "T2",
        None,
        "Les travailleurs sociaux devraient pouvoir exercer sans diplôme d'État du travail social.",
        "10101210",
    ),
    (
        "T3",
        None,
        "Le temps passé à remplir des dossiers administratifs empêche les travailleurs "
        "sociaux d'accompagner les personnes.",
        "36142545",
    ),
    (
        "T1",
        "P1",
        "Les personnes accompagnées devraient pouvoir lire et compléter leur dossier social.",
        "24332456",
    ),
    (
        "T3",
        None,
        "Les employeurs devraient financer une supervision régulière des équipes de terrain.",
        "36144544",
    ),
    (
        "T5",
        None,
        "Les formations initiales du travail social devraient partager un tronc commun "
        "entre diplômes.",
        "45544543",
    ),
    (
        "T5",
        None,
        "Les stages devraient être rémunérés dans toutes les formations du travail social.",
        "46263455",
    ),
    (
        "T6",
        "P2",
        "Le travail social collectif devrait devenir une mission reconnue de chaque service "
        "social.",
        "34443453",
    ),
]


def _votes(statement: Statement, index: int, profile: str, territories: list) -> list[Vote]:
    votes = []
    for category, agreeing in zip(ActorCategory.values, profile, strict=True):
        for voter in range(VOTERS_PER_CATEGORY + 1):
            if voter == VOTERS_PER_CATEGORY:
                choice = VoteChoice.PASS
            else:
                # Turn who agrees from one statement to the next: voters are not clones.
                agrees = (voter + index) % VOTERS_PER_CATEGORY < int(agreeing)
                choice = VoteChoice.AGREE if agrees else VoteChoice.DISAGREE
            votes.append(
                Vote(
                    statement=statement,
                    vote=choice,
                    actor_category=category,
                    session_key=f"demo-{category}-{voter}",
                    territory=territories[voter % len(territories)],
                )
            )
    return votes


@transaction.atomic
def seed(*, log) -> None:
    themes = {t.code: t for t in Theme.objects.all()}
    policies = {p.code: p for p in Policy.objects.all()}
    territories = list(Territory.objects.filter(slug__in=VOTE_TERRITORIES).order_by("slug"))
    votes = []
    for index, (theme, policy, text, profile) in enumerate(STATEMENTS):
        statement, created = Statement.objects.get_or_create(
            text=text,
            defaults={
                "theme": themes[theme],
                "policy": policies.get(policy),
                "source_type": StatementSource.TEAM,
                "status": ModerationStatus.PUBLISHED,
                "published_at": timezone.now(),
            },
        )
        if created:
            votes += _votes(statement, index, profile, territories)
            log(f"Énoncé publié créé : {text}")
    Vote.objects.bulk_create(votes, batch_size=500)
    if votes or not Computation.objects.filter(scope=scope_of(None)).exists():
        # The task's work, here and now: the demo's results are there when the site opens.
        compute_results(None)
        log(f"Résultats nationaux calculés ({len(votes)} votes de démonstration ajoutés).")
