"""The site's URLs plus three views that fail on purpose, for the error page tests."""

from django.db import OperationalError
from django.urls import path

from egts import urls as site_urls
from egts.ratelimit import RateLimited


def boom(request):
    raise RuntimeError("a bug")


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def rate_limited(request):
    raise RateLimited(retry_after=90)


urlpatterns = [
    path("_test/boom/", boom),
    path("_test/database-down/", database_down),
    path("_test/rate-limited/", rate_limited),
    *site_urls.urlpatterns,
]

handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500
