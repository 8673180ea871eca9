from django.urls import path

from . import views

app_name = "consensus"

urlpatterns = [
    path("", views.results, name="results"),
    path("voter/", views.vote, name="vote"),
    path("voter/categorie/", views.actor_category, name="actor-category"),
    path("voter/<int:pk>/", views.vote_submit, name="vote-submit"),
]
