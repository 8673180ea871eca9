"""Demo content of the action plan, called by seed_demo (idempotent: nothing is added twice)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assises.models import Proposal, ProposalStatus
from contributions.models import Contribution
from egts.models import Policy, Territory, Theme, User

from .models import Axis, Indicator, LocalAction, Measure, ProgressUpdate, Status

PROPOSALS = [
    (
        "grand-sud",
        "Former ensemble les futurs travailleurs sociaux de plusieurs diplômes",
        "T2",
        "P2",
    ),
    (
        "rhone-alpes-auvergne",
        "Développer les stages croisés entre filières du travail social",
        "T2",
        "P2",
    ),
    (
        "grand-sud",
        "Associer les personnes accompagnées aux instances de décision",
        "T1",
        "P1",
    ),
]

AXES = [
    (
        1,
        "Reconnaître et valoriser le travail social",
        "Redonner du sens et de la visibilité aux métiers du travail social.",
    ),
    (
        2,
        "Rénover les formations et les qualifications",
        "Des formations décloisonnées, en alternance et ouvertes à la recherche.",
    ),
    (
        3,
        "Faire participer les personnes accompagnées",
        "La participation des personnes à la conception et à l'évaluation des politiques.",
    ),
]


def _proposals(*, log) -> dict[str, Proposal]:
    themes = {t.code: t for t in Theme.objects.all()}
    policies = {p.code: p for p in Policy.objects.all()}
    found = {}
    for slug, title, theme, policy in PROPOSALS:
        proposal, created = Proposal.objects.get_or_create(
            territory=Territory.objects.get(slug=slug),
            title=title,
            defaults={
                "description": f"{title} : une proposition issue des assises territoriales.",
                "theme": themes[theme],
                "policy": policies[policy],
                "level": "national",
                "owner": "État et régions",
                "priority": "high",
                "status": ProposalStatus.FORWARDED,
                "forwarded_at": timezone.now(),
            },
        )
        if created:
            log(f"Proposition transmise créée : {title}")
        found[title] = proposal
    # The participant's published contributions are what the first proposal drew on.
    published = Contribution.objects.published().filter(author__email="participant@egts.example")
    first = found[PROPOSALS[0][1]]
    first.related_contributions.add(*published)
    return found


@transaction.atomic
def seed(*, log) -> None:
    national = User.objects.filter(email="national@egts.example").first()
    proposals = _proposals(log=log)
    axes = _axes(log=log)
    _seed_common_training_measure(axis=axes[2], proposals=proposals, national=national, log=log)
    _seed_participation_measure(axis=axes[3], proposals=proposals, national=national, log=log)
    _seed_local_action(proposals=proposals, log=log)


def _axes(*, log) -> dict[int, Axis]:
    axes = {}
    for order, title, description in AXES:
        axis, created = Axis.objects.get_or_create(
            title=title, defaults={"order": order, "description": description}
        )
        axes[order] = axis
        if created:
            log(f"Axe du plan d'action créé : {title}")
    return axes


def _seed_common_training_measure(*, axis, proposals, national, log) -> None:
    measure, created = Measure.objects.get_or_create(
        title="Créer un socle commun aux formations du travail social",
        defaults={
            "axis": axis,
            "description": (
                "Fusion de deux propositions convergentes de Grand Sud et de "
                "Rhône-Alpes-Auvergne : un tronc commun aux diplômes et des stages croisés."
            ),
            "owner": "Direction générale de la cohésion sociale",
            "partners": "Régions, UNAFORIS, établissements de formation",
            "deadline": datetime.date(2016, 9, 1),
            "budget": Decimal("1500000"),
            "status": Status.IN_PROGRESS,
            "progress": 40,
            "created_by": national,
        },
    )
    if created:
        measure.proposals.set([proposals[PROPOSALS[0][1]], proposals[PROPOSALS[1][1]]])
        indicator = Indicator.objects.create(
            measure=measure,
            label="Diplômes partageant le socle commun",
            unit="diplômes",
            target_value=Decimal("14"),
            current_value=Decimal("5"),
        )
        update = ProgressUpdate.objects.create(
            measure=measure,
            date=datetime.date(2015, 3, 1),
            text="Le référentiel du socle commun est rédigé avec les régions.",
            status=Status.IN_PROGRESS,
            previous_status=Status.PLANNED,
            progress=40,
            author=national,
        )
        update.values.create(indicator=indicator, value=Decimal("5"))
        log(f"Mesure créée : {measure.title}")


def _seed_participation_measure(*, axis, proposals, national, log) -> None:
    participation, created = Measure.objects.get_or_create(
        title="Ouvrir les instances de pilotage aux personnes accompagnées",
        defaults={
            "axis": axis,
            "description": "Une place réservée aux personnes accompagnées dans chaque instance.",
            "owner": "Conseil supérieur du travail social (CSTS)",
            "deadline": datetime.date(2015, 12, 31),
            "status": Status.PLANNED,
            "created_by": national,
        },
    )
    if created:
        participation.proposals.set([proposals[PROPOSALS[2][1]]])
        log(f"Mesure créée : {participation.title}")


def _seed_local_action(*, proposals, log) -> None:
    grand_sud = Territory.objects.get(slug="grand-sud")
    action, created = LocalAction.objects.get_or_create(
        territory=grand_sud,
        title="Réseau régional des formateurs et des employeurs",
        defaults={
            "description": "Une rencontre trimestrielle pour organiser les stages croisés.",
            "owner": "COPIL Grand Sud",
            "partners": "IRTS, conseils départementaux",
            "deadline": datetime.date(2015, 6, 30),
            "status": Status.IN_PROGRESS,
            "progress": 50,
        },
    )
    if created:
        action.proposals.set([proposals[PROPOSALS[0][1]]])
        log(f"Action locale créée : {action.title}")
