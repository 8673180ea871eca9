from django.urls import path

from .views import campaigns, runs, topics

app_name = "analysis"

urlpatterns = [
    path("", runs.run_list, name="runs"),
    path("lancer/", runs.run_request, name="run-request"),
    path("<int:pk>/", runs.run_detail, name="run-detail"),
    path("<int:pk>/etat.json", runs.run_status, name="run-status"),
    path("<int:pk>/reprendre/", runs.run_retry, name="run-retry"),
    path("<int:pk>/campagnes/", campaigns.campaigns, name="campaigns"),
    path("<int:pk>/journal/", campaigns.edits, name="edits"),
    path("<int:pk>/themes/<int:topic>/", topics.topic_detail, name="topic-detail"),
    path("<int:pk>/themes/<int:topic>/renommer/", topics.topic_rename_view, name="topic-rename"),
    path("<int:pk>/themes/<int:topic>/bruit/", topics.topic_noise_view, name="topic-noise"),
    path("<int:pk>/themes/<int:topic>/fusionner/", topics.topic_merge_view, name="topic-merge"),
    path("<int:pk>/citations/<int:quote>/", topics.quote_update_view, name="quote-update"),
]
