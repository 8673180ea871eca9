from django.urls import path

from . import api

urlpatterns = [
    path("action-plan/", api.PlanView.as_view(), name="api-action-plan"),
    path("action-plan/measures/", api.MeasureList.as_view(), name="api-action-plan-measures"),
    path(
        "action-plan/measures/<str:pk>/",
        api.MeasureDetail.as_view(),
        name="api-action-plan-measure-detail",
    ),
    path("action-plan/updates/", api.UpdateList.as_view(), name="api-action-plan-updates"),
    path(
        "action-plan/local-actions/",
        api.LocalActionList.as_view(),
        name="api-action-plan-local-actions",
    ),
]
