from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("", views.run_list, name="runs"),
    path("lancer/", views.run_request, name="run-request"),
    path("<int:pk>/", views.run_detail, name="run-detail"),
    path("<int:pk>/etat.json", views.run_status, name="run-status"),
    path("<int:pk>/reprendre/", views.run_retry, name="run-retry"),
    path("<int:pk>/campagnes/", views.campaigns, name="campaigns"),
    path("<int:pk>/journal/", views.edits, name="edits"),
    path("<int:pk>/themes/<int:topic>/", views.topic_detail, name="topic-detail"),
    path("<int:pk>/themes/<int:topic>/renommer/", views.topic_rename_view, name="topic-rename"),
    path("<int:pk>/themes/<int:topic>/bruit/", views.topic_noise_view, name="topic-noise"),
    path("<int:pk>/themes/<int:topic>/fusionner/", views.topic_merge_view, name="topic-merge"),
    path("<int:pk>/citations/<int:quote>/", views.quote_update_view, name="quote-update"),
]
