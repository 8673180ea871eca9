"""collectstatic leaves out the static files of installed apps that no page links.

A deploy (and the fault tests, which collect once) would otherwise spend most of a minute
hashing and Brotli-compressing them. The pages link DSFR's scripts (dsfr/dist/dsfr), its
favicons and artwork, and through static/css/dsfr.css (the rules they use, see
egts/dsfr_subset.py) its icons and fonts. DSFR's own stylesheets, whole or per component,
are never linked.
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
    # The pages link static/css/dsfr.css, the part of DSFR's CSS they use (egts/dsfr_subset.py).
    "dsfr/dist/dsfr/*.css",
    "dsfr/dist/utility/*",
    "css/dsfr-django-overrides.css",
    "dsfr/dist/dsfr/dsfr.legacy.*",
    "dsfr/dist/dsfr/dsfr.main.*",
    "drf_spectacular_sidecar/redoc/*",
]


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *UNLINKED])
