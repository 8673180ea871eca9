from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Pratiques significatives")

    def ready(self):
        from egts.participant import register_erasure, register_export, register_section

        from . import participant

        register_section("practices", _("Mes pratiques"), participant.section_items)
        register_export("practices", participant.export_practices)
        register_erasure("practices", participant.erase)
