from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("Contributions et questionnaires")

    def ready(self):
        from egts.participant import register_erasure, register_export, register_section

        from . import participant

        register_section("contributions", _("Mes contributions"), participant.section_items)
        register_export("contributions", participant.export_contributions)
        register_export("questionnaire_responses", participant.export_responses)
        register_erasure("contributions", participant.erase)
