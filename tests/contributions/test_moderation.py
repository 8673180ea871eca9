"""Moderation of contributions: services, the API endpoint, the HTML page, e-mails."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from contributions.models import Contribution
from contributions.services import contribution_moderate, contributions_bulk_moderate
from egts.moderation import ModerationDecision, ModerationError, ModerationStatus
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import UserFactory, copil_member, national_team_member

pytestmark = pytest.mark.django_db


def make_user(who: str):
    return {
        "anonymous": lambda: None,
        "participant": lambda: UserFactory(),
        "copil_other": lambda: copil_member("grand-nord"),
        "copil_member": lambda: copil_member("grand-sud"),
        "copil_lead": lambda: copil_member("grand-sud", role="copil_lead"),
        "national": lambda: national_team_member(),
    }[who]()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("participant", 403),
        ("copil_other", 403),
        ("copil_member", 200),
        ("copil_lead", 200),
        ("national", 200),
    ],
)
def test_moderation_endpoint_role_matrix(who, expected):
    contribution = ContributionFactory()  # Grand Sud, pending
    client = APIClient()
    user = make_user(who)
    if user:
        client.force_authenticate(user)
    response = client.post(
        f"/api/v1/contributions/{contribution.pk}/moderation/",
        {"decision": "reject", "reason": "spam", "message": "Publicité."},
        format="json",
    )
    assert response.status_code == expected
    contribution.refresh_from_db()
    if expected == 200:
        assert contribution.status == ModerationStatus.REJECTED
        assert ModerationDecision.objects.count() == 1
    else:
        assert contribution.status == ModerationStatus.PENDING
        assert ModerationDecision.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("copil_member", False), ("copil_lead", False), ("national", True)],
)
def test_national_items_are_moderated_by_national_team_only(who, allowed):
    contribution = ContributionFactory(national=True)
    client = APIClient()
    client.force_authenticate(make_user(who))
    response = client.post(
        f"/api/v1/contributions/{contribution.pk}/moderation/",
        {"decision": "publish"},
        format="json",
    )
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"decision": "reject"}, "reason"),
        ({"decision": "reject", "reason": "unknown"}, "reason"),
        ({"decision": "request_changes"}, "decision"),
        ({"decision": "explode"}, "decision"),
        ({}, "decision"),
        ({"decision": "publish", "published_body": "   "}, "published_body"),
    ],
)
def test_moderation_bad_input_answers_400_and_changes_nothing(payload, field):
    contribution = ContributionFactory()
    client = APIClient()
    client.force_authenticate(national_team_member())
    response = client.post(
        f"/api/v1/contributions/{contribution.pk}/moderation/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    contribution.refresh_from_db()
    assert contribution.status == ModerationStatus.PENDING
    assert ModerationDecision.objects.count() == 0


def test_moderation_of_unknown_contribution_is_404():
    client = APIClient()
    client.force_authenticate(national_team_member())
    response = client.post(
        "/api/v1/contributions/999999/moderation/", {"decision": "publish"}, format="json"
    )
    assert response.status_code == 404


def test_publish_logs_decision_and_keeps_body_when_no_redaction(
    django_capture_on_commit_callbacks,
):
    contribution = ContributionFactory(author__email="a@exemple.fr")
    moderator = copil_member("grand-sud")
    with django_capture_on_commit_callbacks(execute=True):
        contribution_moderate(
            contribution=contribution, moderator=moderator, decision="publish", message="Merci"
        )
    contribution.refresh_from_db()
    assert contribution.status == ModerationStatus.PUBLISHED
    assert contribution.published_body == contribution.body
    assert contribution.published_at is not None
    decision = ModerationDecision.objects.get()
    assert decision.content_type == ContentType.objects.get_for_model(Contribution)
    assert decision.object_id == contribution.pk
    assert decision.decided_by == moderator
    assert decision.to_status == ModerationStatus.PUBLISHED
    assert [m.to for m in mail.outbox] == [["a@exemple.fr"]]
    assert "Merci" in mail.outbox[0].body


def test_reject_emails_the_reason(django_capture_on_commit_callbacks):
    contribution = ContributionFactory(author__email="b@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        contribution_moderate(
            contribution=contribution,
            moderator=national_team_member(),
            decision="reject",
            reason="personal_data",
            message="Retirez le nom de la personne.",
        )
    assert len(mail.outbox) == 1
    assert "Contient des données personnelles" in mail.outbox[0].body
    assert "Retirez le nom de la personne." in mail.outbox[0].body


def test_no_mail_when_the_decision_is_refused(django_capture_on_commit_callbacks):
    contribution = ContributionFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ModerationError):
        contribution_moderate(
            contribution=contribution, moderator=national_team_member(), decision="reject"
        )
    assert mail.outbox == []


def test_service_refuses_a_moderator_of_another_territory():
    contribution = ContributionFactory()
    with pytest.raises(PermissionDenied):
        contribution_moderate(
            contribution=contribution, moderator=copil_member("grand-est"), decision="publish"
        )
    contribution.refresh_from_db()
    assert contribution.status == ModerationStatus.PENDING


def test_bulk_moderation_publishes_all_and_emails_each_author(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    contributions = ContributionFactory.create_batch(3)
    moderator = national_team_member()
    with django_capture_on_commit_callbacks(execute=True):
        contributions_bulk_moderate(
            contributions=contributions, moderator=moderator, decision="publish"
        )
    assert Contribution.objects.published().count() == 3
    assert ModerationDecision.objects.count() == 3
    assert len(mail.outbox) == 3
    assert all(c.published_body for c in Contribution.objects.all())


def test_bulk_moderation_refused_as_a_whole_if_one_item_is_out_of_scope():
    mine = ContributionFactory()
    national = ContributionFactory(national=True)
    with pytest.raises(PermissionDenied):
        contributions_bulk_moderate(
            contributions=[mine, national], moderator=copil_member("grand-sud"), decision="publish"
        )
    assert Contribution.objects.published().count() == 0


def test_bulk_request_changes_is_refused():
    contribution = ContributionFactory()
    with pytest.raises(ModerationError):
        contributions_bulk_moderate(
            contributions=[contribution],
            moderator=national_team_member(),
            decision="request_changes",
        )


# --- HTML moderation page -----------------------------------------------------------------


def test_moderation_page_publishes_edited_text(client):
    contribution = ContributionFactory(body="Contactez Paul Durand au 06 12 34 56 78 merci.")
    client.force_login(copil_member("grand-sud"))
    url = f"/contributions/{contribution.pk}/moderer/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"decision": "publish", "published_body": "Contactez le service, merci."}
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ModerationStatus.PUBLISHED
    assert contribution.published_body == "Contactez le service, merci."


def test_moderation_page_requires_reason_to_reject_and_keeps_input(client):
    contribution = ContributionFactory()
    client.force_login(national_team_member())
    response = client.post(
        f"/contributions/{contribution.pk}/moderer/",
        {"decision": "reject", "message": "Mon message", "published_body": "x"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Indiquez le motif du refus." in content
    assert "Mon message" in content
    contribution.refresh_from_db()
    assert contribution.status == ModerationStatus.PENDING


@pytest.mark.parametrize("who", ["participant", "copil_other"])
def test_moderation_page_hidden_from_others(client, who):
    contribution = ContributionFactory()
    client.force_login(make_user(who))
    response = client.post(
        f"/contributions/{contribution.pk}/moderer/", {"decision": "publish", "published_body": "x"}
    )
    assert response.status_code == 404
    contribution.refresh_from_db()
    assert contribution.status == ModerationStatus.PENDING
