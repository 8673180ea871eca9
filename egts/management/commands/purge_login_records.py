from django.core.management.base import BaseCommand

from egts.login_records import purge_login_records


class Command(BaseCommand):
    help = (
        "Supprime les journaux de connexion (django-axes) plus anciens que "
        "LOGIN_RECORD_RETENTION_DAYS et les jetons d'API expirés. Celery beat le fait chaque jour."
    )

    def handle(self, *args, **options):
        deleted = purge_login_records()
        self.stdout.write(f"{deleted} enregistrement(s) supprimé(s).")
