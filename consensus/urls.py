from django.urls import path

from . import views, workspace, writing

app_name = "consensus"

urlpatterns = [
    path("", views.results, name="results"),
    path("voter/", views.vote, name="vote"),
    path("voter/categorie/", views.actor_category, name="actor-category"),
    path("voter/<int:pk>/", views.vote_submit, name="vote-submit"),
    path("enonces/nouveau/", writing.statement_new, name="statement-new"),
]

urlpatterns += [
    path("espace/moderation/", workspace.moderation_queue, name="moderation"),
    path("espace/<slug:slug>/votes-papier/", workspace.paper_votes, name="paper-votes"),
    path(
        "espace/<slug:slug>/votes-papier/modele.csv",
        workspace.paper_votes_template,
        name="paper-votes-template",
    ),
]
