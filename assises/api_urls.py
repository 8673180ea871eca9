"""API routes. Identifiers are matched as plain strings and checked in the views, so that a
malformed one gets the API's JSON 404 rather than the site's HTML error page."""

from django.urls import path

from . import api, api_synthesis

urlpatterns = [
    path("moderation/", api.ModerationQueue.as_view(), name="api-moderation-queue"),
    path("moderation/log/", api.ModerationLog.as_view(), name="api-moderation-log"),
    path("assises/", api.AssiseList.as_view(), name="api-assise-list"),
    path(
        "assises/<str:slug>/working-groups/",
        api.WorkingGroupList.as_view(),
        name="api-working-group-list",
    ),
    path(
        "assises/<str:slug>/hypothesis-reviews/",
        api.HypothesisReviewList.as_view(),
        name="api-hypothesis-review-list",
    ),
    path("assises/<str:slug>/proposals/", api.ProposalList.as_view(), name="api-proposal-list"),
    path("hypotheses/", api.HypothesisList.as_view(), name="api-hypothesis-list"),
    path(
        "proposals/<str:pk>/validate/", api.ProposalValidate.as_view(), name="api-proposal-validate"
    ),
    path("syntheses/", api_synthesis.SynthesisList.as_view(), name="api-synthesis-list"),
    path(
        "syntheses/<str:pk>/", api_synthesis.SynthesisDetail.as_view(), name="api-synthesis-detail"
    ),
    path("syntheses/<str:pk>/pdf", api_synthesis.SynthesisPdf.as_view(), name="api-synthesis-pdf"),
    path(
        "syntheses/<str:pk>/publish/",
        api_synthesis.SynthesisPublish.as_view(),
        name="api-synthesis-publish",
    ),
    path(
        "syntheses/<str:pk>/retry/",
        api_synthesis.SynthesisRetry.as_view(),
        name="api-synthesis-retry",
    ),
    path("exports/<str:kind>.csv", api_synthesis.Export.as_view(), name="api-export"),
]
