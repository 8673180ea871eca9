"""Root URLs: public site, accounts, back-office, API, health."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("", include("egts.site_urls")),
    path("compte/", include("egts.account_urls")),
    path("compte/", include("allauth.urls")),
    path("", include("contributions.urls")),
    path("pratiques/", include("practices.urls")),
    path("consensus/", include("consensus.urls")),
    # Before assises: its <slug:slug>/ pages would shadow /espace/plan-d-action/.
    path("", include("actionplan.urls")),
    path("documentation/", include("documents.urls")),
    # Before assises: its <slug:slug>/ pages would shadow /espace/analyses/.
    path("espace/analyses/", include("analysis.urls")),
    path("espace/", include("assises.urls")),
    path("api/v1/", include("egts.api_urls")),
    path("health/", health.health, name="health"),
    path("admin-technique/", admin.site.urls),
]

if getattr(settings, "EGTS_LOAD_PROBE", False):
    from . import load_probe

    urlpatterns.append(path("_load/ceiling/", load_probe.ceiling, name="load-ceiling"))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "egts.views.bad_request"
handler403 = "egts.views.permission_denied"
handler404 = "egts.views.page_not_found"
# Not a Django handler: django-allauth's rate limits answer with it (its own page is bare English).
handler429 = "egts.views.too_many_requests"
handler500 = "egts.views.server_error"
