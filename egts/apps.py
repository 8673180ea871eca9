from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EgtsConfig(AppConfig):
    name = "egts"
    verbose_name = _("Démarche EGTS")

    def ready(self):
        # Signals: the in-memory reference data is dropped when it changes (reference), an
        # account deleted anywhere takes its login records along (login_records).
        from . import login_records, reference  # noqa: F401
