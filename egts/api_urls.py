from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("auth/token/rotate/", api.TokenRotateView.as_view(), name="api-token-rotate"),
    path("territories/", api.TerritoryList.as_view(), name="api-territory-list"),
    # <str:>, not <slug:>: a malformed slug still reaches DRF and gets its JSON 404.
    path("territories/<str:slug>/", api.TerritoryDetail.as_view(), name="api-territory-detail"),
    path("themes/", api.ThemeList.as_view(), name="api-theme-list"),
    path("policies/", api.PolicyList.as_view(), name="api-policy-list"),
    path("actor-categories/", api.ActorCategoryList.as_view(), name="api-actor-category-list"),
    path("departments/", api.DepartmentList.as_view(), name="api-department-list"),
    path("stages/", api.StageList.as_view(), name="api-stage-list"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("contributions.api_urls")),
    path("", include("practices.api_urls")),
    path("", include("assises.api_urls")),
    path("", include("actionplan.api_urls")),
    path("", include("documents.api_urls")),
    path("", include("analysis.api_urls")),
    path("", include("consensus.api_urls")),
]
