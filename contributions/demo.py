"""Demo content: the EGTS questionnaire and a few contributions per territory.

Called by the project's ``seed_demo`` command; running it twice changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from egts.models import ActorCategory, Department, Policy, Territory, Theme, User
from egts.moderation import Decision, ModerationStatus, apply_decision

from .models import Choice, Contribution, ContributionKind, Question, QuestionKind, Questionnaire
from .services import contribution_submit, refresh_search_vectors

QUESTIONNAIRE_SLUG = "recueil-des-attentes-et-des-pratiques"

INTRODUCTION = (
    "Ce questionnaire prépare les assises territoriales du travail social. Il s'adresse à "
    "toutes les personnes concernées : professionnels de terrain, encadrants, employeurs, "
    "formateurs, élus, bénévoles et personnes accompagnées. Il se remplit en une dizaine de "
    "minutes, sans créer de compte. Les réponses sont anonymes : n'indiquez ni nom, ni "
    "donnée de santé dans les zones de texte."
)

# (step, kind, label, required, choices or (min, max, min_label, max_label), help text)
QUESTIONS = [
    (
        1,
        QuestionKind.SINGLE,
        "Dans quel champ de l'action sociale intervenez-vous surtout ?",
        True,
        [
            "Exclusion, pauvreté, accès aux droits, insertion",
            "Hébergement et logement",
            "Protection de l'enfance et soutien aux familles",
            "Accompagnement des personnes âgées",
            "Accompagnement des personnes handicapées",
            "Plusieurs champs, ou aucun en particulier",
        ],
        "",
    ),
    (
        1,
        QuestionKind.SCALE,
        "Aujourd'hui, le travail social répond-il aux besoins des personnes accompagnées ?",
        True,
        (1, 5, "pas du tout", "tout à fait"),
        "",
    ),
    (
        1,
        QuestionKind.MULTIPLE,
        "Quelles difficultés rencontrez-vous le plus souvent ?",
        True,
        [
            "Des dispositifs trop nombreux ou trop complexes",
            "Trop peu de temps pour l'accompagnement lui-même",
            "Une coordination difficile entre institutions",
            "Le sentiment d'être isolé dans sa pratique",
            "Une formation qui ne prépare pas aux situations rencontrées",
            "Une place insuffisante laissée aux personnes accompagnées",
        ],
        "Plusieurs réponses possibles.",
    ),
    (
        1,
        QuestionKind.TEXT,
        "Qu'attendez-vous en priorité des États généraux du travail social ?",
        False,
        None,
        "",
    ),
    (
        2,
        QuestionKind.SINGLE,
        "Les personnes accompagnées participent-elles à la construction des réponses qui "
        "les concernent ?",
        True,
        ["Jamais", "Parfois", "Souvent", "Toujours", "Je ne sais pas"],
        "",
    ),
    (
        2,
        QuestionKind.SCALE,
        "Comment jugez-vous la coordination entre les acteurs de votre territoire ?",
        True,
        (1, 5, "très insuffisante", "très satisfaisante"),
        "",
    ),
    (
        2,
        QuestionKind.MULTIPLE,
        "Quels leviers vous paraissent prioritaires ?",
        False,
        [
            "Un premier accueil social ouvert à tous, sans condition",
            "Un référent de parcours partagé entre les intervenants",
            "Davantage d'actions collectives et de développement social local",
            "Des temps d'analyse de la pratique pour les équipes",
            "Des formations communes à plusieurs métiers",
        ],
        "Plusieurs réponses possibles.",
    ),
    (
        2,
        QuestionKind.SINGLE,
        "Connaissez-vous une pratique de terrain qui mériterait d'être mieux connue ?",
        True,
        ["Oui", "Non"],
        "",
    ),
    (
        3,
        QuestionKind.TEXT,
        "Décrivez cette pratique en quelques lignes : son objectif, qui la porte, ce qu'elle "
        "a changé.",
        False,
        None,
        "Vous pourrez aussi la proposer en détail dans la rubrique « pratiques significatives ».",
    ),
    (
        3,
        QuestionKind.SCALE,
        "Votre formation initiale vous a-t-elle préparé aux situations que vous rencontrez ?",
        False,
        (1, 5, "pas du tout", "tout à fait"),
        "",
    ),
    (
        3,
        QuestionKind.SINGLE,
        "Bénéficiez-vous d'un temps d'analyse des pratiques ou de supervision ?",
        False,
        ["Oui, régulièrement", "Oui, de temps en temps", "Non", "Je ne suis pas concerné"],
        "",
    ),
    (
        3,
        QuestionKind.SCALE,
        "De 0 à 10, à quel point vous sentez-vous reconnu dans votre engagement ?",
        False,
        (0, 10, "pas reconnu", "pleinement reconnu"),
        "",
    ),
    (
        3,
        QuestionKind.MULTIPLE,
        "Sur quels sujets aimeriez-vous vous former ou échanger ?",
        False,
        [
            "Le pouvoir d'agir des personnes accompagnées",
            "Le travail en réseau et le partage d'informations",
            "L'intervention collective",
            "Le numérique et l'accès aux droits",
            "La prévention de l'usure professionnelle",
        ],
        "",
    ),
    (
        3,
        QuestionKind.TEXT,
        "Une proposition concrète pour le travail social de demain ?",
        False,
        None,
        "",
    ),
]

CONDITIONAL = {
    # The question at index 8 shows only if the one at index 7 was answered "Oui".
    8: (7, "Oui"),
}

CONTRIBUTIONS = [
    (
        ContributionKind.EXPECTATION,
        "Un accueil social sans rendez-vous dans chaque commune",
        "Les personnes que nous accompagnons renoncent souvent parce qu'elles ne savent pas "
        "à quelle porte frapper. Un premier accueil ouvert à tous, sans condition et sans "
        "rendez-vous, éviterait bien des ruptures de droits.",
        ["T4"],
        ["P1"],
        ActorCategory.PROFESSIONNELS,
    ),
    (
        ContributionKind.OBSERVATION,
        "Les logements d'urgence manquent pour les familles",
        "Dans notre secteur, les places d'hébergement pour les familles avec enfants sont "
        "saturées dès l'automne. Les équipes passent leurs journées au téléphone au lieu "
        "d'accompagner les personnes vers un logement durable.",
        ["T1"],
        ["P2"],
        ActorCategory.BENEVOLES,
    ),
    (
        ContributionKind.PROPOSAL,
        "Des temps de formation communs entre métiers",
        "Assistants sociaux, éducateurs, conseillers en insertion et infirmiers travaillent "
        "auprès des mêmes personnes sans jamais se former ensemble. Des sessions communes, "
        "organisées par territoire, aideraient à mieux se connaître et à coordonner les "
        "accompagnements.",
        ["T2", "T5"],
        ["P3"],
        ActorCategory.FORMATION,
    ),
    (
        ContributionKind.EXPECTATION,
        "Être associé aux décisions qui me concernent",
        "Quand on est accompagné, on a l'impression que tout se décide entre professionnels. "
        "J'aimerais être invité aux réunions où l'on parle de ma situation et pouvoir donner "
        "mon avis sur les solutions proposées.",
        ["T1"],
        ["P5"],
        ActorCategory.USAGERS,
    ),
    (
        ContributionKind.OBSERVATION,
        "L'usure des équipes faute d'analyse des pratiques",
        "Depuis la suppression des séances d'analyse des pratiques dans notre service, les "
        "arrêts de travail se multiplient. Les professionnels n'ont plus d'espace pour parler "
        "des situations difficiles.",
        ["T3"],
        ["P4"],
        ActorCategory.ENCADREMENT,
    ),
]


def _questionnaire(log: Callable[[str], None]) -> None:
    now = timezone.now()
    questionnaire, created = Questionnaire.objects.get_or_create(
        slug=QUESTIONNAIRE_SLUG,
        defaults={
            "title": "Recueil des attentes et des pratiques",
            "introduction": INTRODUCTION,
            "opens_at": now - datetime.timedelta(days=7),
            "closes_at": now + datetime.timedelta(days=240),
        },
    )
    if not created:
        log(f"Questionnaire « {questionnaire.title} » déjà présent.")
        return
    questions = []
    for order, (step, kind, label, required, spec, help_text) in enumerate(QUESTIONS, start=1):
        question = Question(
            questionnaire=questionnaire,
            kind=kind,
            label=label,
            help_text=help_text,
            required=required,
            order=order,
            step=step,
        )
        if kind == QuestionKind.SCALE:
            (
                question.scale_min,
                question.scale_max,
                question.scale_min_label,
                question.scale_max_label,
            ) = spec
        question.save()
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            Choice.objects.bulk_create(
                Choice(question=question, label=text, order=i) for i, text in enumerate(spec, 1)
            )
        questions.append(question)
    for index, (parent_index, choice_label) in CONDITIONAL.items():
        questions[index].condition_choice = questions[parent_index].choices.get(label=choice_label)
        questions[index].save(update_fields=["condition_choice"])
    log(f"Questionnaire « {questionnaire.title} » créé ({len(questions)} questions).")


def _contributions(log: Callable[[str], None]) -> None:
    author = User.objects.filter(email="participant@egts.example").first()
    themes = {t.code: t for t in Theme.objects.all()}
    policies = {p.code: p for p in Policy.objects.all()}
    created = 0
    for position, territory in enumerate(Territory.objects.order_by("order", "name")):
        department = (
            Department.objects.filter(region__territory=territory)
            .select_related("region")
            .order_by("code")
            .first()
        )
        for offset in range(3):
            kind, title, body, theme_codes, policy_codes, category = CONTRIBUTIONS[
                (position + offset) % len(CONTRIBUTIONS)
            ]
            if Contribution.objects.filter(title=title, territory=territory).exists():
                continue
            contribution = contribution_submit(
                author=author,
                kind=kind,
                title=title,
                body=body,
                themes=[themes[c] for c in theme_codes],
                policies=[policies[c] for c in policy_codes],
                department=department,
                actor_category=category,
            )
            created += 1
            # Two published, one left pending for the COPIL's moderation queue.
            if offset < 2:
                contribution.published_body = contribution.body
                apply_decision(
                    item=contribution,
                    decided_by=None,
                    decision=Decision.PUBLISH,
                    update_fields=["published_body"],
                )
                refresh_search_vectors([contribution.pk])
    pending = Contribution.objects.filter(status=ModerationStatus.PENDING).count()
    log(f"Contributions de démonstration : {created} créées ({pending} en attente au total).")


@transaction.atomic
def seed(*, log: Callable[[str], None]) -> None:
    _questionnaire(log)
    _contributions(log)
