"""``python manage.py seed_demo``: demo accounts and a little content per territory.

It lives in assises because only assises may import the other apps. Each app's
``demo.seed(log=...)`` is idempotent; apps without a demo module are skipped.
"""

import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from egts import demo as accounts_demo

# In order: contributions need the participant account, assises use both.
CONTENT_MODULES = (
    "contributions.demo",
    "practices.demo",
    "assises.demo",
    "actionplan.demo",
    "documents.demo",
    "consensus.demo",
)


class Command(BaseCommand):
    help = (
        "Crée les comptes et le contenu de démonstration (mot de passe « egts-demo-2014 »). "
        "Refusé hors DEBUG, sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Autorise l'exécution quand DEBUG est désactivé (recette, démonstration).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            # Demo accounts have a published password: never by accident in production.
            raise CommandError(
                "seed_demo est refusé quand DEBUG est désactivé : les comptes de démonstration "
                "ont un mot de passe public. Ajoutez --force pour une plateforme de recette."
            )

        def log(message: str) -> None:
            self.stdout.write(message)

        with transaction.atomic():
            accounts_demo.seed(log=log)
            for name in CONTENT_MODULES:
                if importlib.util.find_spec(name) is None:
                    continue
                importlib.import_module(name).seed(log=log)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
