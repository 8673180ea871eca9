from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("nouveau/", views.document_create, name="create"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/fichier/", views.document_download, name="download"),
    path("<int:pk>/modifier/", views.document_edit, name="edit"),
    path("<int:pk>/publier/", views.document_publish, name="publish"),
    path("<int:pk>/partager/", views.document_share, name="share"),
]
