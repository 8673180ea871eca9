from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = _("Plan d'action et suivi")

    def ready(self):
        from egts.participant import register_export

        from . import participant

        register_export("follow_up_preference", participant.export_preference)
