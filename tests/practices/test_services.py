"""The practices' services: drafts, submission, moderation round trips, curation, sharing."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from egts.models import Department, Territory, Theme
from egts.moderation import Decision, ModerationDecision, ModerationError, ModerationStatus
from practices import services
from practices.models import Practice, PracticeShare, PracticeTag
from tests.factories.egts import UserFactory, copil_member, national_team_member
from tests.factories.practices import PracticeFactory

pytestmark = pytest.mark.django_db

COMPLETE = {
    "title": "Permanence d'accès aux droits en gare",
    "summary": "Des travailleurs sociaux tiennent une permanence dans le hall de la gare.",
    "context": "Des personnes sans domicile passent la journée en gare sans contact social.",
    "people_concerned": "Personnes sans domicile, voyageurs en difficulté.",
    "actors": "SNCF, CCAS, association d'insertion.",
    "implementation": "Une permanence hebdomadaire, un bureau prêté par la gare.",
    "results": "120 personnes reçues la première année, 40 domiciliations ouvertes.",
    "transfer_conditions": "Un partenaire qui prête un lieu fréquenté.",
    "organisation": "CCAS de Marseille",
}


def _draft(author, **extra):
    data = {**COMPLETE, **extra}
    data.setdefault("department", Department.objects.get(code="13"))
    data.setdefault("themes", [Theme.objects.get(pk="T2")])
    return services.practice_draft_create(author=author, data=data)


def test_a_draft_is_invisible_to_moderators_and_public():
    author = UserFactory()
    practice = services.practice_draft_create(author=author, data={"title": "Une idée"})
    moderator = copil_member("grand-sud")

    assert practice.is_draft is True
    assert list(Practice.objects.pending()) == []
    assert list(Practice.objects.moderated_by(national_team_member())) == []
    assert list(Practice.objects.visible_to(moderator)) == []
    assert list(Practice.objects.visible_to(author)) == [practice]


def test_submit_puts_the_practice_in_its_territory_queue():
    author = UserFactory()
    practice = _draft(author)

    services.practice_submit(practice=practice, author=author)

    practice.refresh_from_db()
    assert practice.is_draft is False
    assert practice.status == ModerationStatus.PENDING
    assert practice.territory == Territory.objects.get(slug="grand-sud")
    assert list(Practice.objects.pending().for_territory(practice.territory)) == [practice]


def test_submit_refuses_an_incomplete_practice_and_names_what_is_missing():
    author = UserFactory()
    practice = services.practice_draft_create(
        author=author, data={"title": "Incomplète", "summary": "Un résumé"}
    )

    with pytest.raises(ValidationError) as caught:
        services.practice_submit(practice=practice, author=author)

    assert sorted(caught.value.message_dict) == sorted(
        [
            "context",
            "people_concerned",
            "actors",
            "implementation",
            "results",
            "transfer_conditions",
            "organisation",
            "themes",
        ]
    )
    practice.refresh_from_db()
    assert practice.is_draft is True


def test_save_step_keeps_the_other_fields():
    author = UserFactory()
    practice = _draft(author)

    services.practice_save_step(
        practice=practice, author=author, data={"results": "Nouveaux résultats."}, step=3
    )

    practice.refresh_from_db()
    assert practice.results == "Nouveaux résultats."
    assert practice.title == COMPLETE["title"]
    assert practice.current_step == 3


def test_someone_else_cannot_save_a_step_of_my_draft():
    practice = _draft(UserFactory())

    with pytest.raises(PermissionDenied):
        services.practice_save_step(
            practice=practice, author=UserFactory(), data={"title": "Volée"}, step=1
        )

    practice.refresh_from_db()
    assert practice.title == COMPLETE["title"]


def test_request_changes_then_resubmit_then_publish_round_trip(
    django_capture_on_commit_callbacks,
):
    author = UserFactory(email="autrice@exemple.fr")
    practice = PracticeFactory(author=author)
    moderator = copil_member("grand-sud")

    with django_capture_on_commit_callbacks(execute=True):
        services.practice_moderate(
            practice=practice,
            moderator=moderator,
            decision=Decision.REQUEST_CHANGES,
            message="Retirez le nom de la personne accompagnée.",
        )
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.CHANGES_REQUESTED
    assert practice.moderation_message == "Retirez le nom de la personne accompagnée."
    assert [m.to for m in mail.outbox] == [["autrice@exemple.fr"]]
    assert "Retirez le nom de la personne accompagnée." in mail.outbox[0].body

    services.practice_save_step(
        practice=practice, author=author, data={"context": "Contexte anonymisé."}, step=2
    )
    services.practice_submit(practice=practice, author=author)
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        services.practice_moderate(
            practice=practice, moderator=moderator, decision=Decision.PUBLISH
        )
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.PUBLISHED
    assert practice.published_at is not None
    decisions = list(
        ModerationDecision.objects.filter(object_id=practice.pk)
        .order_by("decided_at", "id")
        .values_list("decision", flat=True)
    )
    assert decisions == [Decision.REQUEST_CHANGES, Decision.RESUBMIT, Decision.PUBLISH]
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "[EGTS] Votre pratique est publiée"


def test_request_changes_needs_a_message(django_capture_on_commit_callbacks):
    practice = PracticeFactory()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ModerationError) as caught,
    ):
        services.practice_moderate(
            practice=practice,
            moderator=national_team_member(),
            decision=Decision.REQUEST_CHANGES,
        )

    assert list(caught.value.message_dict) == ["message"]
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.PENDING
    assert mail.outbox == []


def test_reject_needs_a_reason_and_mails_it(django_capture_on_commit_callbacks):
    practice = PracticeFactory(author=UserFactory(email="auteur@exemple.fr"))
    moderator = national_team_member()

    with pytest.raises(ModerationError):
        services.practice_moderate(practice=practice, moderator=moderator, decision="reject")
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_moderate(
            practice=practice, moderator=moderator, decision="reject", reason="duplicate"
        )

    practice.refresh_from_db()
    assert practice.status == ModerationStatus.REJECTED
    assert "Doublon" in mail.outbox[0].body


def test_moderator_edits_public_text_and_tags_before_publishing():
    practice = PracticeFactory(summary="Appelez Mme Martin au 06 12 34 56 78.")
    moderator = copil_member("grand-sud")

    services.practice_moderate(
        practice=practice,
        moderator=moderator,
        decision=Decision.PUBLISH,
        published_fields={"summary": "Appelez la structure porteuse."},
        tags=["Accès aux droits", "accès aux droits", "Familles"],
    )

    practice.refresh_from_db()
    assert practice.summary == "Appelez la structure porteuse."
    assert practice.flags == []
    assert sorted(practice.tags.values_list("name", flat=True)) == ["Accès aux droits", "Familles"]
    assert PracticeTag.objects.count() == 2


def test_moderator_cannot_edit_private_fields_through_published_fields():
    practice = PracticeFactory(contact_email="garde@exemple.fr")

    with pytest.raises(ModerationError) as caught:
        services.practice_moderate(
            practice=practice,
            moderator=national_team_member(),
            decision=Decision.PUBLISH,
            published_fields={"contact_email": "autre@exemple.fr"},
        )

    assert list(caught.value.message_dict) == ["contact_email"]
    practice.refresh_from_db()
    assert practice.contact_email == "garde@exemple.fr"
    assert practice.status == ModerationStatus.PENDING


def test_copil_of_another_territory_cannot_moderate_and_nothing_changes():
    practice = PracticeFactory()

    with pytest.raises(PermissionDenied):
        services.practice_moderate(
            practice=practice, moderator=copil_member("grand-est"), decision=Decision.PUBLISH
        )

    practice.refresh_from_db()
    assert practice.status == ModerationStatus.PENDING
    assert ModerationDecision.objects.count() == 0


def test_only_the_national_team_features_a_practice():
    practice = PracticeFactory(published=True)

    with pytest.raises(PermissionDenied):
        services.practice_feature(practice=practice, user=copil_member("grand-sud"), featured=True)
    services.practice_feature(practice=practice, user=national_team_member(), featured=True)

    practice.refresh_from_db()
    assert practice.featured is True


def test_bulk_moderation_publishes_and_mails_each_author(django_capture_on_commit_callbacks):
    practices = [PracticeFactory(), PracticeFactory()]

    with django_capture_on_commit_callbacks(execute=True):
        services.practices_bulk_moderate(
            practices=practices, moderator=copil_member("grand-sud"), decision=Decision.PUBLISH
        )

    assert sorted(Practice.objects.values_list("status", flat=True)) == ["published"] * 2
    assert len(mail.outbox) == 2


def test_bulk_request_changes_logs_one_decision_each():
    practices = [PracticeFactory(), PracticeFactory()]

    services.practices_bulk_moderate(
        practices=practices,
        moderator=national_team_member(),
        decision=Decision.REQUEST_CHANGES,
        message="Ajoutez une évaluation.",
    )

    assert sorted(Practice.objects.values_list("status", flat=True)) == ["changes_requested"] * 2
    assert ModerationDecision.objects.filter(decision=Decision.REQUEST_CHANGES).count() == 2


def test_bulk_moderation_is_refused_as_a_whole_when_one_item_is_out_of_reach():
    mine = PracticeFactory()
    other = PracticeFactory(department=Department.objects.get(code="67"))

    with pytest.raises(PermissionDenied):
        services.practices_bulk_moderate(
            practices=[mine, other], moderator=copil_member("grand-sud"), decision="publish"
        )

    assert sorted(Practice.objects.values_list("status", flat=True)) == ["pending"] * 2


def test_share_with_other_territories_once_each():
    practice = PracticeFactory(published=True)
    national = national_team_member()
    est = Territory.objects.get(slug="grand-est")
    nord = Territory.objects.get(slug="grand-nord")

    first = services.practice_share(practice=practice, shared_by=national, territories=[est, nord])
    second = services.practice_share(practice=practice, shared_by=national, territories=[est])

    assert len(first) == 2
    assert second == []
    assert sorted(PracticeShare.objects.values_list("territory__slug", flat=True)) == [
        "grand-est",
        "grand-nord",
    ]


def test_sharing_with_its_own_territory_only_is_refused():
    practice = PracticeFactory(published=True)

    with pytest.raises(ValidationError):
        services.practice_share(
            practice=practice,
            shared_by=copil_member("grand-sud"),
            territories=[Territory.objects.get(slug="grand-sud")],
        )

    assert PracticeShare.objects.count() == 0


def test_a_pending_practice_cannot_be_shared():
    practice = PracticeFactory()

    with pytest.raises(PermissionDenied):
        services.practice_share(
            practice=practice,
            shared_by=national_team_member(),
            territories=[Territory.objects.get(slug="grand-est")],
        )

    assert PracticeShare.objects.count() == 0
