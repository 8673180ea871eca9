from django.urls import path

from . import feeds, views

app_name = "actionplan"

urlpatterns = [
    # Public pages.
    path("plan-d-action/", views.plan, name="plan"),
    path("plan-d-action/flux.atom", feeds.ProgressUpdatesFeed(), name="feed"),
    path("plan-d-action/plan-d-action.csv", views.plan_csv, name="csv"),
    path("plan-d-action/mesures/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("compte/suivi/", views.preference_update, name="preference"),
    # The national team's back-office; before assises' <slug:slug>/ pages so no slug shadows it.
    path("espace/plan-d-action/", views.manage, name="manage"),
    path("espace/plan-d-action/axes/nouveau/", views.axis_create, name="axis-create"),
    path("espace/plan-d-action/axes/<int:pk>/modifier/", views.axis_edit, name="axis-edit"),
    path("espace/plan-d-action/mesures/nouvelle/", views.measure_create, name="measure-create"),
    path(
        "espace/plan-d-action/mesures/<int:pk>/modifier/", views.measure_edit, name="measure-edit"
    ),
    path(
        "espace/plan-d-action/mesures/<int:pk>/avancement/",
        views.measure_progress,
        name="measure-progress",
    ),
    # One territory's follow-up stage.
    path("espace/<slug:slug>/suivi/", views.local_actions, name="local-actions"),
    path(
        "espace/<slug:slug>/suivi/nouvelle/",
        views.local_action_create,
        name="local-action-create",
    ),
    path(
        "espace/actions-locales/<int:pk>/modifier/",
        views.local_action_edit,
        name="local-action-edit",
    ),
    path(
        "espace/actions-locales/<int:pk>/avancement/",
        views.local_action_progress,
        name="local-action-progress",
    ),
]
