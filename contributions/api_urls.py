"""API routes. Identifiers are matched as plain strings and checked in the views, so that a
malformed one gets the API's JSON 404 rather than the site's HTML error page."""

from django.urls import path

from . import api

urlpatterns = [
    path("contributions/", api.ContributionListCreate.as_view(), name="api-contribution-list"),
    path(
        "contributions/similar/",
        api.SimilarContributions.as_view(),
        name="api-contribution-similar",
    ),
    path(
        "contributions/<str:pk>/", api.ContributionDetail.as_view(), name="api-contribution-detail"
    ),
    path(
        "contributions/<str:pk>/moderation/",
        api.ContributionModeration.as_view(),
        name="api-contribution-moderation",
    ),
    path("me/contributions/", api.MyContributionList.as_view(), name="api-my-contribution-list"),
    path("questionnaires/", api.QuestionnaireList.as_view(), name="api-questionnaire-list"),
    path(
        "questionnaires/<str:slug>/",
        api.QuestionnaireDetail.as_view(),
        name="api-questionnaire-detail",
    ),
    path(
        "questionnaires/<str:slug>/responses/",
        api.ResponseCreate.as_view(),
        name="api-questionnaire-response-create",
    ),
    path(
        "questionnaires/<str:slug>/results/",
        api.QuestionnaireResults.as_view(),
        name="api-questionnaire-results",
    ),
]
