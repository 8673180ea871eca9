from django.urls import path

from . import api

urlpatterns = [
    path("documents/", api.DocumentList.as_view(), name="api-document-list"),
    path("documents/<str:pk>/", api.DocumentDetail.as_view(), name="api-document-detail"),
]
