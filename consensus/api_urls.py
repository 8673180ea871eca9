"""API routes. Identifiers are matched as plain strings and checked in the views, so that a
malformed one gets the API's JSON 404 rather than the site's HTML error page."""

from django.urls import path

from . import api, api_results

urlpatterns = [
    path("statements/", api.StatementListCreate.as_view(), name="api-statement-list"),
    path(
        "statements/<str:pk>/moderation/",
        api.StatementModeration.as_view(),
        name="api-statement-moderation",
    ),
    path("statements/<str:pk>/votes/", api.StatementVote.as_view(), name="api-statement-vote"),
    path(
        "statements/<str:pk>/results/",
        api_results.StatementResults.as_view(),
        name="api-statement-results",
    ),
    path("consensus/", api_results.ConsensusSummary.as_view(), name="api-consensus"),
    path(
        "consensus/refresh/", api_results.ConsensusRefresh.as_view(), name="api-consensus-refresh"
    ),
    path(
        "assises/<str:slug>/paper-votes/",
        api_results.PaperVotes.as_view(),
        name="api-paper-votes",
    ),
]
