from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssisesConfig(AppConfig):
    name = "assises"
    verbose_name = _("Assises territoriales")
