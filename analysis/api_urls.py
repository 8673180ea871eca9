"""API routes. Identifiers are matched as plain strings and checked in the views, so that a
malformed one gets the API's JSON 404 rather than the site's HTML error page."""

from django.urls import path

from . import api

urlpatterns = [
    path("analyses/", api.AnalysisList.as_view(), name="api-analysis-list"),
    path("analyses/<str:pk>/", api.AnalysisDetail.as_view(), name="api-analysis-detail"),
    path("analyses/<str:pk>/retry/", api.AnalysisRetry.as_view(), name="api-analysis-retry"),
    path("analyses/<str:pk>/topics/", api.TopicList.as_view(), name="api-analysis-topic-list"),
    path(
        "analyses/<str:pk>/topics/<str:topic>/",
        api.TopicDetail.as_view(),
        name="api-analysis-topic-detail",
    ),
    path(
        "analyses/<str:pk>/topics/<str:topic>/merge/",
        api.TopicMerge.as_view(),
        name="api-analysis-topic-merge",
    ),
    path(
        "analyses/<str:pk>/quotes/<str:quote>/",
        api.QuoteDetail.as_view(),
        name="api-analysis-quote-detail",
    ),
    path(
        "analyses/<str:pk>/campaigns/",
        api.CampaignList.as_view(),
        name="api-analysis-campaign-list",
    ),
]
