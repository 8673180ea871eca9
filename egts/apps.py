from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EgtsConfig(AppConfig):
    name = "egts"
    verbose_name = _("Démarche EGTS")
