"""Checkpoints, invitations, working groups, meetings, ranking and the territorial report."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assises.models import (
    Assise,
    Invitation,
    Meeting,
    Proposal,
    ProposalStatus,
    TerritorialReport,
)
from assises.services.groups import sanitize_minutes
from assises.services.proposals import proposal_move, proposal_rank
from assises.services.workspace import checkpoint_record
from egts.models import Membership, Role, User
from tests.factories.assises import (
    HypothesisFactory,
    HypothesisReviewFactory,
    MeetingFactory,
    ProposalFactory,
    WorkingGroupFactory,
    territory,
)
from tests.factories.egts import UserFactory, copil_member

pytestmark = pytest.mark.django_db


def test_every_territory_has_an_assise_at_copil_launch():
    assert Assise.objects.count() == 9
    assert set(Assise.objects.values_list("stage", flat=True)) == {"copil_launch"}


def test_go_checkpoints_walk_through_every_stage_and_stop_at_follow_up():
    assise = Assise.objects.get(territory__slug="grand-sud")
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    seen = []
    for _ in range(4):
        checkpoint_record(
            assise=assise,
            recorded_by=lead,
            meeting_date=datetime.date(2014, 1, 1),
            decisions="Go",
            outcome="go",
        )
        assise.refresh_from_db()
        seen.append(assise.stage)
    assert seen == ["territorial_work", "assises", "restitution", "follow_up"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        checkpoint_record(
            assise=assise,
            recorded_by=lead,
            meeting_date=datetime.date(2014, 1, 1),
            decisions="Go",
            outcome="go",
        )


def _invite(client, capture, lead, email="invitee@exemple.fr", role=Role.FACILITATOR) -> str:
    client.force_login(lead)
    with capture(execute=True):
        client.post(reverse("assises:members", args=["grand-sud"]), {"email": email, "role": role})
    client.logout()
    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/espace/invitation/(\S+)/", mail.outbox[0].body)
    return link.group(0).split("/espace")[1].rstrip()


def test_invitation_creates_an_account_and_a_role(client, django_capture_on_commit_callbacks):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    path = "/espace" + _invite(client, django_capture_on_commit_callbacks, lead)
    invitation = Invitation.objects.get()
    assert invitation.token_hash not in mail.outbox[0].body
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)
    response = client.post(
        path, {"password1": "Un-mot-de-passe-solide", "password2": "Un-mot-de-passe-solide"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="invitee@exemple.fr")
    assert Membership.objects.get(user=user).role == Role.FACILITATOR
    # Single use: the same link now shows the "no longer valid" page.
    assert client.get(path).status_code == 404


def test_invitation_links_an_existing_account(client, django_capture_on_commit_callbacks):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    existing = UserFactory(email="deja@exemple.fr")
    path = "/espace" + _invite(
        client,
        django_capture_on_commit_callbacks,
        lead,
        email="deja@exemple.fr",
        role=Role.COPIL_MEMBER,
    )
    assert client.get(path).context["has_account"] is True
    client.force_login(existing)
    client.post(path)
    assert Membership.objects.get(user=existing).role == Role.COPIL_MEMBER


def test_invitation_for_another_address_is_refused(client, django_capture_on_commit_callbacks):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    path = "/espace" + _invite(client, django_capture_on_commit_callbacks, lead)
    intruder = UserFactory(email="intrus@exemple.fr")
    client.force_login(intruder)
    client.post(path)
    assert not Membership.objects.filter(user=intruder).exists()
    assert Invitation.objects.get().accepted_at is None


def test_expired_invitation_is_refused(client, django_capture_on_commit_callbacks):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    path = "/espace" + _invite(client, django_capture_on_commit_callbacks, lead)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(path, {"password1": "Un-mot-de-passe-solide", "password2": "x"})
    assert response.status_code == 404
    assert not User.objects.filter(email="invitee@exemple.fr").exists()


def test_invitation_form_reports_mismatched_passwords(client, django_capture_on_commit_callbacks):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    path = "/espace" + _invite(client, django_capture_on_commit_callbacks, lead)
    response = client.post(
        path, {"password1": "Un-mot-de-passe-solide", "password2": "Un-autre-mot-de-passe"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password2": ["Les deux mots de passe ne correspondent pas."]
    }
    assert not User.objects.filter(email="invitee@exemple.fr").exists()


def test_inviting_a_current_member_is_reported_on_the_form(client):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    member = copil_member("grand-sud")
    client.force_login(lead)
    response = client.post(
        reverse("assises:members", args=["grand-sud"]),
        {"email": member.email, "role": Role.COPIL_MEMBER},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Cette personne a déjà un rôle dans ce territoire."]
    }
    assert Invitation.objects.count() == 0


def test_minutes_are_sanitised():
    dirty = '<p onclick="x()">Bonjour <script>alert(1)</script><a href="javascript:x">l</a></p>'
    assert sanitize_minutes(dirty) == '<p>Bonjour <a rel="noopener noreferrer">l</a></p>'


def test_meeting_form_records_attendance_minutes_and_documents(client):
    facilitator = copil_member("grand-sud", role=Role.FACILITATOR)
    group = WorkingGroupFactory(facilitator=facilitator)
    client.force_login(facilitator)
    pdf = SimpleUploadedFile("ordre-du-jour.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    response = client.post(
        reverse("assises:meeting-create", args=[group.pk]),
        {
            "date": "2014-03-12",
            "place": "Montpellier",
            "agenda": "Formation initiale",
            "minutes": "<p>Échanges <img src=x onerror=alert(1)></p>",
            "attendance_professionnels": "7",
            "attendance_usagers": "3",
            "attendance_elus": "0",
            "documents": [pdf],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.attendance == {"professionnels": 7, "usagers": 3}
    assert meeting.minutes == "<p>Échanges </p>"
    document = meeting.documents.get()
    assert document.name == "ordre-du-jour.pdf"
    url = reverse("assises:meeting-document", args=[document.pk])
    assert client.get(url)["Content-Type"] == "application/pdf"
    client.force_login(copil_member("sud-ouest", role=Role.COPIL_LEAD))
    assert client.get(url).status_code == 404


def test_meeting_form_refuses_a_disguised_document(client):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    group = WorkingGroupFactory()
    client.force_login(lead)
    fake = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00 not a pdf at all")
    response = client.post(
        reverse("assises:meeting-create", args=[group.pk]),
        {"date": "2014-03-12", "place": "Nîmes", "agenda": "Points", "documents": [fake]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["documents"] == [
        "Le fichier « notes.pdf » n'est pas un document accepté (PDF, ODT, DOCX, PNG, JPEG) : "
        "son contenu ne correspond pas à son nom."
    ]
    assert Meeting.objects.count() == 0


def test_facilitator_does_not_see_another_group(client):
    facilitator = copil_member("grand-sud", role=Role.FACILITATOR)
    WorkingGroupFactory(facilitator=facilitator)
    other = WorkingGroupFactory()
    meeting = MeetingFactory(group=other)
    client.force_login(facilitator)
    assert client.get(reverse("assises:group-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("assises:meeting-detail", args=[meeting.pk])).status_code == 404


def _ranked(slug="grand-sud"):
    return list(
        Proposal.objects.filter(territory__slug=slug).ranked().values_list("title", flat=True)
    )


def test_ranking_moves_and_explicit_ranks_renumber():
    a = ProposalFactory(title="A", validated=True, rank=1)
    b = ProposalFactory(title="B", validated=True, rank=2)
    c = ProposalFactory(title="C", validated=True, rank=3)
    proposal_move(proposal=c, direction="up")
    assert _ranked() == ["A", "C", "B"]
    proposal_move(proposal=a, direction="up")  # already first: nothing moves
    assert _ranked() == ["A", "C", "B"]
    proposal_rank(proposal=b, rank=1)
    assert _ranked() == ["B", "A", "C"]
    assert list(Proposal.objects.ranked().values_list("rank", flat=True)) == [1, 2, 3]
    assert a.pk and c.pk


def test_ranking_an_out_of_range_position_is_refused(client):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    ProposalFactory(title="A", validated=True, rank=1)
    b = ProposalFactory(title="B", validated=True, rank=2)
    client.force_login(lead)
    client.post(reverse("assises:proposal-rank", args=[b.pk]), {"rank": "9"})
    assert _ranked() == ["A", "B"]


def test_move_answers_json_for_the_enhanced_page(client):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    a = ProposalFactory(title="A", validated=True, rank=1)
    b = ProposalFactory(title="B", validated=True, rank=2)
    client.force_login(lead)
    response = client.post(
        reverse("assises:proposal-move", args=[b.pk]),
        {"direction": "up"},
        headers={"accept": "application/json"},
    )
    assert response.json() == {"order": [b.pk, a.pk]}


def test_validated_proposals_join_the_end_of_the_ranking_and_are_forwarded(client):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    ProposalFactory(title="A", validated=True, rank=1)
    draft = ProposalFactory(title="B")
    client.force_login(lead)
    client.post(reverse("assises:proposal-validate", args=[draft.pk]))
    assert _ranked() == ["A", "B"]
    client.post(reverse("assises:proposals-forward", args=["grand-sud"]))
    assert set(Proposal.objects.values_list("status", flat=True)) == {ProposalStatus.FORWARDED}


def test_report_submission_freezes_a_numbered_version_with_its_pdf(client):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    hypothesis = HypothesisFactory(statement="Le travail social est mal connu")
    HypothesisReviewFactory(hypothesis=hypothesis, verdict="invalidated", argument="Au contraire")
    ProposalFactory(title="Faire connaître les métiers", validated=True, rank=1)
    client.force_login(lead)
    url = reverse("assises:report-submit", args=["grand-sud"])
    client.post(url, {"confirm": "on"})
    report = TerritorialReport.objects.get()
    assert report.version == 1
    assert report.content["recommendations"][0]["title"] == "Faire connaître les métiers"
    assert report.content["diagnosis"]["hypotheses"][0]["verdict"] == "Infirmée"
    # Later changes do not alter the frozen version.
    Proposal.objects.update(title="Autre titre")
    report.refresh_from_db()
    assert report.content["recommendations"][0]["title"] == "Faire connaître les métiers"
    client.post(url, {"confirm": "on"})
    assert list(TerritorialReport.objects.values_list("version", flat=True)) == [2, 1]
    response = client.get(reverse("assises:report-version-pdf", args=["grand-sud", 1]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_report_submission_needs_the_confirmation_box(client):
    lead = copil_member("grand-sud", role=Role.COPIL_LEAD)
    client.force_login(lead)
    client.post(reverse("assises:report-submit", args=["grand-sud"]), {})
    assert TerritorialReport.objects.count() == 0


def test_report_pdf_of_another_territory_is_not_found(client):
    lead = copil_member("sud-ouest", role=Role.COPIL_LEAD)
    client.force_login(lead)
    url = reverse("assises:report-draft-pdf", args=["grand-sud"])
    assert client.get(url).status_code == 404


def test_hypothesis_matrix_shows_every_territory_verdict(client):
    national = UserFactory(national=True)
    hypothesis = HypothesisFactory()
    HypothesisReviewFactory(hypothesis=hypothesis, verdict="confirmed")
    HypothesisReviewFactory(hypothesis=hypothesis, territory=territory("grand-est"))
    client.force_login(national)
    response = client.get(reverse("assises:hypothesis-matrix"))
    ((row_hypothesis, cells),) = response.context["rows"]
    assert row_hypothesis == hypothesis
    assert len(cells) == 9
    territories = [assise.territory.slug for assise, _review in cells]
    assert territories[:2] == ["grand-sud", "rhone-alpes-auvergne"]
    assert [c.territory.slug for _assise, c in cells if c] == ["grand-sud", "grand-est"]


def test_review_form_keeps_input_and_reports_missing_wording(client):
    member = copil_member("grand-sud")
    hypothesis = HypothesisFactory()
    client.force_login(member)
    response = client.post(
        reverse("assises:review-edit", args=["grand-sud", hypothesis.pk]),
        {"verdict": "refined", "argument": "À nuancer"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "refined_statement": ["Indiquez la nouvelle formulation de l'hypothèse."]
    }
    assert form.data["argument"] == "À nuancer"


def test_dashboard_counts_contributions_practices_and_responses(client):
    from tests.factories.contributions import ContributionFactory, ResponseFactory, department
    from tests.factories.practices import PracticeFactory

    member = copil_member("grand-sud")
    ContributionFactory()
    ContributionFactory()
    ContributionFactory(published=True)
    ContributionFactory(department=department("33"))
    PracticeFactory(published=True)
    PracticeFactory(draft=True)
    ResponseFactory()
    WorkingGroupFactory()
    client.force_login(member)
    response = client.get(reverse("assises:dashboard", args=["grand-sud"]))
    counts = response.context["counts"]
    assert (
        counts["contributions_pending"],
        counts["contributions_published"],
        counts["practices_pending"],
        counts["practices_published"],
        counts["responses"],
        counts["working_groups"],
    ) == (2, 1, 0, 1, 1, 1)
    assert [item["text"] for item in response.context["attention"]] == [
        "2 contribution(s) ou pratique(s) en attente de modération",
        "Aucune réunion du COPIL enregistrée pour l'étape « Lancement du COPIL »",
    ]


def test_dashboard_asks_for_the_report_once_restitution_has_started(client):
    member = copil_member("grand-sud")
    Assise.objects.filter(territory__slug="grand-sud").update(stage="restitution")
    client.force_login(member)
    response = client.get(reverse("assises:dashboard", args=["grand-sud"]))
    assert [item["text"] for item in response.context["attention"]] == [
        "Aucune réunion du COPIL enregistrée pour l'étape « Restitution »",
        "Le rapport territorial n'est pas encore soumis",
    ]
    assert response.context["stepper"]["current_step_id"] == 4


def test_review_and_proposal_link_supporting_contributions_and_practices(client):
    from tests.factories.contributions import ContributionFactory
    from tests.factories.practices import PracticeFactory

    member = copil_member("grand-sud")
    published = ContributionFactory(published=True, title="Appui publié")
    pending = ContributionFactory(title="En attente")
    practice = PracticeFactory(published=True)
    hypothesis = HypothesisFactory()
    client.force_login(member)
    response = client.post(
        reverse("assises:review-edit", args=["grand-sud", hypothesis.pk]),
        {
            "verdict": "confirmed",
            "argument": "Vu sur le terrain",
            "supporting_contributions": [published.pk],
        },
    )
    assert response.status_code == 302
    from assises.models import HypothesisReview

    review = HypothesisReview.objects.get()
    assert list(review.supporting_contributions.all()) == [published]
    response = client.post(
        reverse("assises:review-edit", args=["grand-sud", hypothesis.pk]),
        {"verdict": "confirmed", "argument": "Vu", "supporting_contributions": [pending.pk]},
    )
    assert list(response.context["form"].errors) == ["supporting_contributions"]
    response = client.post(
        reverse("assises:proposal-create", args=["grand-sud"]),
        {
            "title": "Levier appuyé",
            "description": "Appuyé sur une pratique et une contribution.",
            "theme": "T1",
            "policy": "P1",
            "level": "local",
            "owner": "Commune",
            "priority": "low",
            "related_contributions": [published.pk],
            "related_practices": [practice.pk],
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert list(proposal.related_contributions.all()) == [published]
    assert list(proposal.related_practices.all()) == [practice]
