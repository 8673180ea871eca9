from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsensusConfig(AppConfig):
    name = "consensus"
    verbose_name = _("Énoncés et consensus")

    def ready(self):
        from egts.participant import register_erasure, register_export, register_section

        from . import participant

        register_section("statements", _("Mes énoncés"), participant.section_items)
        register_export("statements", participant.export_statements)
        register_export("statement_votes", participant.export_votes)
        register_erasure("consensus", participant.erase)
