"""collectstatic leaves out the static files of installed apps that no page links.

A deploy (and the fault tests, which collect once) would otherwise spend most of a minute
hashing and Brotli-compressing them. The pages link DSFR's bundles (dsfr/dist/dsfr and
dsfr/dist/utility), its icons, fonts, favicons and artwork; the per-component copies of the
same styles, the root duplicates and the legacy, print and "main" builds are never linked.
The API documentation is Swagger UI: ReDoc is not served.

Only collecting is filtered: ``find()`` still serves every file in development.
"""

from django.contrib.staticfiles import finders

UNLINKED = [
    *(
        f"dsfr/dist/{folder}/*"
        for folder in ("component", "core", "layout", "scheme", "legacy", "analytics")
    ),
    "dsfr/dist/dsfr.*",
    "dsfr/dist/dsfr/dsfr.legacy.*",
    "dsfr/dist/dsfr/dsfr.main.*",
    # utility.min.css holds every per-family stylesheet of utility/.
    "dsfr/dist/utility/*/*",
    "dsfr/dist/utility/utility.[!m]*",
    "dsfr/dist/utility/utility.main.*",
    "drf_spectacular_sidecar/redoc/*",
]


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *UNLINKED])
