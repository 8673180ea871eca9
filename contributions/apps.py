from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("Contributions et questionnaires")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from egts.participant import register_erasure, register_export, register_section

        from . import participant
        from .models import Choice, Question, Questionnaire
        from .services import forget_questionnaires

        for model in (Questionnaire, Question, Choice):
            for signal in (post_save, post_delete):
                signal.connect(forget_questionnaires, sender=model, dispatch_uid=f"forget-{model}")

        register_section("contributions", _("Mes contributions"), participant.section_items)
        register_export("contributions", participant.export_contributions)
        register_export("questionnaire_responses", participant.export_responses)
        register_erasure("contributions", participant.erase)
