from django.urls import path

from . import feeds, views

app_name = "practices"

urlpatterns = [
    path("", views.practice_catalogue, name="catalogue"),
    path("proposer/", views.practice_submit, name="submit"),
    path("partagees-avec-nous/", views.shared_with_us, name="shared-with-us"),
    path("flux.atom", feeds.PublishedPracticesFeed(), name="feed"),
    path("<int:pk>/", views.practice_detail, name="detail"),
    path("<int:pk>/etape/<int:step>/", views.practice_edit_step, name="edit-step"),
    path("<int:pk>/supprimer/", views.practice_delete_draft, name="delete-draft"),
    path(
        "<int:pk>/pieces-jointes/<int:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path(
        "<int:pk>/pieces-jointes/<int:attachment_id>/retirer/",
        views.attachment_delete,
        name="attachment-delete",
    ),
    path("<int:pk>/sheet.pdf", views.practice_sheet, name="sheet"),
    path("<int:pk>/moderer/", views.practice_moderate, name="moderate"),
    path("<int:pk>/partager/", views.practice_share, name="share"),
]
