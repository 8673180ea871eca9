"""Demo content of the back-office, called by the seed_demo command (idempotent)."""

from __future__ import annotations

import datetime

from django.db import transaction

from egts.models import Policy, Territory, Theme

from .models import (
    Hypothesis,
    HypothesisReview,
    Meeting,
    Proposal,
    ProposalStatus,
    Scale,
    WorkingGroup,
)
from .services.groups import meeting_save

HYPOTHESES = [
    (
        "T1",
        "P1",
        "La place des personnes accompagnées dans la conception des politiques sociales "
        "reste marginale.",
    ),
    (
        "T2",
        "P2",
        "Les formations initiales des travailleurs sociaux sont trop cloisonnées entre diplômes.",
    ),
    (
        "T3",
        "P3",
        "La coordination entre acteurs d'un même territoire dépend surtout des personnes, "
        "pas des institutions.",
    ),
]

REVIEWS = {
    "grand-sud": [
        ("confirmed", "Les groupes d'usagers de Marseille et Montpellier le confirment.", ""),
        (
            "refined",
            "Vrai pour les formations de niveau III, moins pour le niveau V.",
            "Les formations de niveau III sont cloisonnées entre diplômes.",
        ),
    ],
    "rhone-alpes-auvergne": [
        ("invalidated", "Les conseils généraux associent déjà les usagers.", ""),
    ],
}


@transaction.atomic
def seed(*, log) -> None:
    grand_sud = Territory.objects.get(slug="grand-sud")
    themes = {t.code: t for t in Theme.objects.all()}
    policies = {p.code: p for p in Policy.objects.all()}
    hypotheses = _seed_hypotheses(themes=themes, policies=policies, log=log)
    _seed_reviews(hypotheses)
    group = _seed_working_group(territory=grand_sud, themes=themes, policies=policies, log=log)
    _seed_proposals(territory=grand_sud, group=group, themes=themes, policies=policies, log=log)


def _seed_hypotheses(*, themes, policies, log) -> list[Hypothesis]:
    hypotheses = []
    for theme, policy, statement in HYPOTHESES:
        hypothesis, created = Hypothesis.objects.get_or_create(
            statement=statement,
            defaults={"theme": themes[theme], "policy": policies[policy], "is_published": True},
        )
        hypotheses.append(hypothesis)
        if created:
            log(f"Hypothèse créée : {statement[:50]}…")
    return hypotheses


def _seed_reviews(hypotheses: list[Hypothesis]) -> None:
    for slug, reviews in REVIEWS.items():
        territory = Territory.objects.get(slug=slug)
        for hypothesis, (verdict, argument, refined) in zip(hypotheses, reviews, strict=False):
            HypothesisReview.objects.get_or_create(
                hypothesis=hypothesis,
                territory=territory,
                defaults={
                    "verdict": verdict,
                    "argument": argument,
                    "refined_statement": refined,
                },
            )


def _seed_working_group(*, territory, themes, policies, log) -> WorkingGroup:
    group, created = WorkingGroup.objects.get_or_create(
        territory=territory,
        name="Formation et qualification des travailleurs sociaux",
        defaults={"theme": themes["T2"], "policy": policies["P2"], "scale": Scale.REGIONAL},
    )
    if created:
        log(f"Groupe de travail créé : {group.name}")
        group.participants.create(
            name="Camille Martin",
            organisation="IRTS Provence-Alpes-Côte d'Azur",
            actor_category="formation",
        )

    if not Meeting.objects.filter(group=group).exists():
        meeting_save(
            meeting=Meeting(
                group=group,
                date=datetime.date(2014, 2, 14),
                place="Marseille, préfecture de région",
                agenda="Diagnostic partagé des formations initiales ; premières pistes.",
                attendance={"professionnels": 9, "formation": 4, "usagers": 3, "employeurs": 2},
                minutes=(
                    "<p>Le groupe a partagé le diagnostic des formations initiales.</p>"
                    "<ul><li>Des modules communs entre diplômes</li>"
                    "<li>Davantage de stages croisés</li></ul>"
                ),
            )
        )
        log("Réunion de groupe de travail créée.")
    return group


def _seed_proposals(*, territory, group, themes, policies, log) -> None:
    proposals = [
        (
            "Créer des modules communs aux formations sociales",
            ProposalStatus.VALIDATED,
            1,
        ),
        ("Ouvrir les comités de pilotage aux personnes accompagnées", ProposalStatus.DRAFT, None),
    ]
    for title, status, rank in proposals:
        _proposal, created = Proposal.objects.get_or_create(
            territory=territory,
            title=title,
            defaults={
                "working_group": group,
                "description": f"{title}, à partir des travaux du groupe « {group.name} ».",
                "theme": themes["T2"],
                "policy": policies["P2"],
                "level": "regional",
                "owner": "Conseil régional et établissements de formation",
                "priority": "high",
                "deadline": datetime.date(2015, 9, 1),
                "indicators": "Nombre de modules communs ouverts",
                "status": status,
                "rank": rank,
            },
        )
        if created:
            log(f"Proposition créée : {title}")
