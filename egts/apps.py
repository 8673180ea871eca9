from django.apps import AppConfig
from django.contrib.staticfiles import apps as staticfiles_apps
from django.utils.translation import gettext_lazy as _


class EgtsConfig(AppConfig):
    name = "egts"
    verbose_name = _("Démarche EGTS")

    def ready(self):
        # Connects the signals that drop the in-memory reference data when it changes.
        from . import reference  # noqa: F401


class StaticFilesConfig(staticfiles_apps.StaticFilesConfig):
    """collectstatic leaves out what no page loads, so a deploy (and the fault tests, which
    collect once) does not spend a minute hashing and compressing it.

    The pages link DSFR's bundles (dsfr/dist/dsfr, dsfr/dist/utility), its icons, fonts,
    favicons and artwork; the per-component copies of the same styles and the legacy
    build are never linked. The API documentation is Swagger UI: ReDoc is not served.
    """

    ignore_patterns = [
        *staticfiles_apps.StaticFilesConfig.ignore_patterns,
        *(
            f"dsfr/dist/{folder}/*"
            for folder in ("component", "core", "layout", "scheme", "legacy", "analytics")
        ),
        # Copies of the bundles at the root of dist/, their legacy, print and "main" builds,
        # and utility's per-family stylesheets (utility.min.css holds them all).
        "dsfr/dist/dsfr.*",
        "dsfr/dist/dsfr/dsfr.legacy.*",
        "dsfr/dist/dsfr/dsfr.main.*",
        "dsfr/dist/utility/*/*",
        "dsfr/dist/utility/utility.[!m]*",
        "dsfr/dist/utility/utility.main.*",
        "drf_spectacular_sidecar/redoc/*",
    ]
