from django.urls import path

from . import views

app_name = "contributions"

urlpatterns = [
    path("contributions/", views.contribution_list, name="list"),
    path("contributions/contribuer/", views.contribution_submit, name="submit"),
    path("contributions/<int:pk>/", views.contribution_detail, name="detail"),
    path("contributions/<int:pk>/modifier/", views.contribution_edit, name="edit"),
    path("contributions/<int:pk>/moderer/", views.contribution_moderate, name="moderate"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire-list"),
    path(
        "questionnaires/<slug:slug>/repondre/",
        views.questionnaire_answer,
        name="questionnaire-answer",
    ),
    path(
        "questionnaires/<slug:slug>/resultats/",
        views.questionnaire_results_page,
        name="questionnaire-results",
    ),
]
