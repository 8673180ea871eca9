"""Demo documents of the documentation centre, called by seed_demo (idempotent)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from egts.models import Territory, Theme, User

from .models import Document, DocumentKind, DocumentShare
from .services import refresh_search_vectors

DOCUMENTS = [
    (
        "Les métiers du travail social : état des lieux des études existantes",
        DocumentKind.STUDY,
        "Direction de la recherche, des études, de l'évaluation et des statistiques",
        datetime.date(2013, 6, 15),
        None,
        ["T2", "T5"],
        "Synthèse des études et rapports publiés sur les métiers et les formations du "
        "travail social, rassemblée pour l'état des lieux de la démarche.",
        True,
    ),
    (
        "Guide de méthode des assises territoriales",
        DocumentKind.METHOD_GUIDE,
        "COPIL Grand Sud",
        datetime.date(2014, 1, 20),
        "grand-sud",
        ["T1"],
        "Comment le territoire pilote a organisé ses groupes de travail, recueilli la parole "
        "des personnes accompagnées et formalisé ses propositions.",
        True,
    ),
    (
        "Compte rendu de la réunion de lancement du COPIL",
        DocumentKind.MINUTES,
        "COPIL Rhône-Alpes-Auvergne",
        datetime.date(2014, 2, 3),
        "rhone-alpes-auvergne",
        ["T4"],
        "Installation du comité de pilotage, calendrier des travaux et composition des groupes.",
        False,
    ),
]


@transaction.atomic
def seed(*, log) -> None:
    national = User.objects.filter(email="national@egts.example").first()
    themes = {t.code: t for t in Theme.objects.all()}
    for title, kind, author, date, slug, theme_codes, summary, public in DOCUMENTS:
        territory = Territory.objects.get(slug=slug) if slug else None
        document, created = Document.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "author": author,
                "date": date,
                "territory": territory,
                "summary": summary,
                "url": "https://solidarites.gouv.fr/",
                "is_public": public,
                "published_at": timezone.now() if public else None,
                "created_by": national,
            },
        )
        if created:
            document.themes.set([themes[c] for c in theme_codes])
            refresh_search_vectors([document.pk])
            log(f"Document créé : {title}")
        if not public:
            # Shared with the pilot territory before it is public.
            DocumentShare.objects.get_or_create(
                document=document,
                territory=Territory.objects.get(slug="grand-sud"),
                defaults={"shared_by": national},
            )
