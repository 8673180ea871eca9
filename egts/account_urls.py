from django.urls import path

from . import account_views

urlpatterns = [
    path("profil/", account_views.profile, name="account-profile"),
    path("mes-contributions/", account_views.participant_space, name="participant-space"),
    path("mes-donnees/", account_views.participant_export, name="participant-export"),
    path("supprimer/", account_views.account_delete, name="account-delete"),
]
