from django.urls import path

from . import api

urlpatterns = [
    path("practices/", api.PracticeListCreate.as_view(), name="api-practice-list"),
    path("practices/<str:pk>/", api.PracticeDetail.as_view(), name="api-practice-detail"),
    path(
        "practices/<str:pk>/attachments/",
        api.PracticeAttachmentCreate.as_view(),
        name="api-practice-attachments",
    ),
    path("practices/<str:pk>/sheet.pdf", api.PracticeSheet.as_view(), name="api-practice-sheet"),
    path(
        "practices/<str:pk>/moderation/",
        api.PracticeModeration.as_view(),
        name="api-practice-moderation",
    ),
]
