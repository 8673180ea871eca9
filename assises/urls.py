from django.urls import path

from .views import groups, hypotheses, moderation, proposals, workspace

app_name = "assises"

urlpatterns = [
    path("", workspace.home, name="home"),
    path("invitation/<str:token>/", workspace.invitation, name="invitation-accept"),
    # National pages come before the territory pages so no slug shadows them.
    path("hypotheses/", hypotheses.hypothesis_list, name="hypotheses"),
    path("hypotheses/matrice/", hypotheses.hypothesis_matrix, name="hypothesis-matrix"),
    path("hypotheses/<int:pk>/modifier/", hypotheses.hypothesis_edit, name="hypothesis-edit"),
    path("moderation/", moderation.queue, name="national-queue"),
    path("moderation/journal/", moderation.log, name="national-log"),
    path("moderation/journal.csv", moderation.log_csv, name="national-log-csv"),
    path("groupes-nationaux/", groups.national_group_list, name="national-groups"),
    path(
        "groupes-nationaux/nouveau/",
        groups.national_group_create,
        name="national-group-create",
    ),
    path("groupes/<int:pk>/", groups.group_detail, name="group-detail"),
    path("groupes/<int:pk>/modifier/", groups.group_edit, name="group-edit"),
    path("groupes/<int:pk>/participants/", groups.participant_add, name="participant-add"),
    path("groupes/<int:pk>/reunions/nouvelle/", groups.meeting_create, name="meeting-create"),
    path(
        "groupes/<int:pk>/propositions/nouvelle/",
        proposals.group_proposal_create,
        name="group-proposal-create",
    ),
    path("reunions/<int:pk>/", groups.meeting_detail, name="meeting-detail"),
    path("reunions/<int:pk>/modifier/", groups.meeting_edit, name="meeting-edit"),
    path("documents/<int:pk>/", groups.meeting_document, name="meeting-document"),
    path("propositions/<int:pk>/", proposals.proposal_detail, name="proposal-detail"),
    path("propositions/<int:pk>/modifier/", proposals.proposal_edit, name="proposal-edit"),
    path(
        "propositions/<int:pk>/valider/",
        proposals.proposal_validate_view,
        name="proposal-validate",
    ),
    path("propositions/<int:pk>/deplacer/", proposals.proposal_move_view, name="proposal-move"),
    path("propositions/<int:pk>/rang/", proposals.proposal_rank_view, name="proposal-rank"),
    # One territory's workspace.
    path("<slug:slug>/", workspace.dashboard, name="dashboard"),
    path("<slug:slug>/copil/", workspace.checkpoints, name="checkpoints"),
    path("<slug:slug>/membres/", workspace.members, name="members"),
    path("<slug:slug>/membres/<int:pk>/retirer/", workspace.member_remove, name="member-remove"),
    path("<slug:slug>/moderation/", moderation.queue, name="queue"),
    path("<slug:slug>/moderation/journal/", moderation.log, name="log"),
    path("<slug:slug>/moderation/journal.csv", moderation.log_csv, name="log-csv"),
    path("<slug:slug>/contributions-hors-ligne/", moderation.offline, name="offline"),
    path(
        "<slug:slug>/contributions-hors-ligne/import/",
        moderation.offline_import,
        name="offline-import",
    ),
    path(
        "<slug:slug>/contributions-hors-ligne/modele.csv",
        moderation.offline_template,
        name="offline-template",
    ),
    path("<slug:slug>/groupes/", groups.group_list, name="groups"),
    path("<slug:slug>/groupes/nouveau/", groups.group_create, name="group-create"),
    path("<slug:slug>/hypotheses/", hypotheses.review_list, name="reviews"),
    path("<slug:slug>/hypotheses/<int:pk>/", hypotheses.review_edit, name="review-edit"),
    path("<slug:slug>/propositions/", proposals.proposal_list, name="proposals"),
    path("<slug:slug>/propositions/nouvelle/", proposals.proposal_create, name="proposal-create"),
    path(
        "<slug:slug>/propositions/transmettre/",
        proposals.proposals_forward_view,
        name="proposals-forward",
    ),
    path("<slug:slug>/rapport/", proposals.report, name="report"),
    path("<slug:slug>/rapport/soumettre/", proposals.report_submit_view, name="report-submit"),
    path("<slug:slug>/rapport/projet.pdf", proposals.report_draft_pdf, name="report-draft-pdf"),
    path(
        "<slug:slug>/rapport/v<int:version>.pdf",
        proposals.report_version_pdf,
        name="report-version-pdf",
    ),
]
