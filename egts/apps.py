from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EgtsConfig(AppConfig):
    name = "egts"
    verbose_name = _("Démarche EGTS")

    def ready(self):
        # Connects the signals that drop the in-memory reference data when it changes.
        from . import reference  # noqa: F401
