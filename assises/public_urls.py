"""The public pages of the national synthesis (published versions only)."""

from django.urls import path

from .views import synthesis

urlpatterns = [
    path("", synthesis.public_list, name="synthesis-public-list"),
    path("v<int:version>/", synthesis.public_detail, name="synthesis-public-detail"),
    path("v<int:version>.pdf", synthesis.public_pdf, name="synthesis-public-pdf"),
    path(
        "v<int:version>/annexe-themes.csv",
        synthesis.public_topics_csv,
        name="synthesis-public-topics-csv",
    ),
]
