"""The action plan's services: measures from forwarded proposals, follow-up, opt-in e-mails."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from actionplan import services
from actionplan.models import (
    Axis,
    FollowUpPreference,
    Indicator,
    Measure,
    ProgressUpdate,
    Status,
)
from tests.factories.actionplan import (
    AxisFactory,
    FollowUpPreferenceFactory,
    ForwardedProposalFactory,
    IndicatorFactory,
    LocalActionFactory,
    MeasureFactory,
)
from tests.factories.assises import ProposalFactory, territory
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import UserFactory, copil_member, national_team_member

pytestmark = pytest.mark.django_db


def _record(measure, user, **overrides):
    arguments = {
        "measure": measure,
        "author": user,
        "date": datetime.date(2015, 3, 1),
        "text": "Le référentiel est rédigé.",
        "status": Status.IN_PROGRESS,
        "progress": 40,
    }
    arguments.update(overrides)
    return services.measure_record_progress(**arguments)


def test_measure_merges_two_forwarded_proposals_of_different_territories():
    national = national_team_member()
    axis = AxisFactory()
    south = ForwardedProposalFactory(title="Socle commun")
    rhone = ForwardedProposalFactory(
        title="Stages croisés", territory=territory("rhone-alpes-auvergne")
    )

    measure = services.measure_create(
        created_by=national,
        axis=axis,
        data={"title": "  Créer un socle commun  ", "description": "Texte", "owner": "DGCS"},
        proposals=[south, rhone],
        indicators=[{"label": "Diplômes", "unit": "", "target_value": Decimal("14")}],
    )

    assert measure.title == "Créer un socle commun"
    assert sorted(measure.proposals.values_list("title", flat=True)) == [
        "Socle commun",
        "Stages croisés",
    ]
    assert list(measure.indicators.values_list("label", "target_value")) == [
        ("Diplômes", Decimal("14.00"))
    ]
    assert measure.created_by == national


def test_measure_refuses_a_proposal_that_was_not_forwarded():
    draft = ProposalFactory(validated=True)

    with pytest.raises(ValidationError) as error:
        services.measure_create(
            created_by=national_team_member(),
            axis=AxisFactory(),
            data={"title": "Mesure", "description": "Texte", "owner": "DGCS"},
            proposals=[draft],
        )

    assert list(error.value.message_dict) == ["proposals"]
    assert not Measure.objects.exists()


def test_only_the_national_team_creates_measures_and_axes():
    member = copil_member("grand-sud")

    with pytest.raises(PermissionDenied):
        services.axis_create(created_by=member, data={"title": "Axe"})
    with pytest.raises(PermissionDenied):
        services.measure_create(
            created_by=member,
            axis=AxisFactory(),
            data={"title": "Mesure", "description": "Texte", "owner": "DGCS"},
        )

    assert Axis.objects.count() == 1  # the factory's, not the refused one
    assert not Measure.objects.exists()


def test_progress_update_records_status_progress_and_indicator_values():
    national = national_team_member()
    measure = MeasureFactory()
    indicator = IndicatorFactory(measure=measure)

    update = _record(measure, national, values={indicator.pk: Decimal("5")})

    measure.refresh_from_db()
    indicator.refresh_from_db()
    assert (measure.status, measure.progress) == (Status.IN_PROGRESS, 40)
    assert (update.previous_status, update.status) == (Status.PLANNED, Status.IN_PROGRESS)
    assert indicator.current_value == Decimal("5.00")
    assert list(update.values.values_list("indicator_id", "value")) == [
        (indicator.pk, Decimal("5.00"))
    ]


def test_current_indicator_value_is_the_latest_dated_reading():
    national = national_team_member()
    measure = MeasureFactory()
    indicator = IndicatorFactory(measure=measure)
    _record(measure, national, date=datetime.date(2015, 6, 1), values={indicator.pk: 8})
    _record(measure, national, date=datetime.date(2015, 1, 1), values={indicator.pk: 3})

    indicator.refresh_from_db()
    assert indicator.current_value == Decimal("8.00")


def test_done_forces_full_progress():
    measure = MeasureFactory()

    _record(measure, national_team_member(), status=Status.DONE, progress=70)

    measure.refresh_from_db()
    assert (measure.status, measure.progress) == (Status.DONE, 100)


def test_abandoning_needs_a_reason_and_changes_nothing_without_one():
    measure = MeasureFactory(in_progress=True)

    with pytest.raises(ValidationError) as error:
        _record(measure, national_team_member(), status=Status.ABANDONED, abandon_reason=" ")

    assert list(error.value.message_dict) == ["abandon_reason"]
    measure.refresh_from_db()
    assert (measure.status, measure.progress) == (Status.IN_PROGRESS, 40)
    assert not ProgressUpdate.objects.exists()


def test_a_value_for_another_measures_indicator_is_refused():
    other = IndicatorFactory()
    measure = MeasureFactory()

    with pytest.raises(ValidationError) as error:
        _record(measure, national_team_member(), values={other.pk: 1})

    assert list(error.value.message_dict) == ["values"]


def test_copil_lead_cannot_record_progress_of_a_national_measure():
    measure = MeasureFactory()

    with pytest.raises(PermissionDenied):
        _record(measure, copil_member("grand-sud", role="copil_lead"))

    assert not ProgressUpdate.objects.exists()


def _linked_contribution(author, proposal):
    contribution = ContributionFactory(published=True, author=author, title="Ma contribution")
    proposal.related_contributions.add(contribution)
    return contribution


def test_status_change_mails_opted_in_authors_of_linked_contributions(
    django_capture_on_commit_callbacks,
):
    proposal = ForwardedProposalFactory()
    measure = MeasureFactory(proposals=[proposal], title="Socle commun")
    opted_in = UserFactory(email="oui@exemple.fr")
    FollowUpPreferenceFactory(user=opted_in)
    _linked_contribution(opted_in, proposal)
    _linked_contribution(UserFactory(email="non@exemple.fr"), proposal)  # not opted in
    silent = UserFactory(email="refus@exemple.fr")
    FollowUpPreferenceFactory(user=silent, notify_measure_status=False)
    _linked_contribution(silent, proposal)

    with django_capture_on_commit_callbacks(execute=True):
        _record(measure, national_team_member())

    assert [m.to for m in mail.outbox] == [["oui@exemple.fr"]]
    body = mail.outbox[0].body
    assert "« Socle commun »" in body
    assert "Statut : Prévue → En cours" in body
    assert "- Ma contribution" in body
    assert f"http://127.0.0.1:8000/plan-d-action/mesures/{measure.pk}/" in body


def test_no_mail_when_the_status_stays_the_same(django_capture_on_commit_callbacks):
    proposal = ForwardedProposalFactory()
    measure = MeasureFactory(proposals=[proposal], in_progress=True)
    author = UserFactory()
    FollowUpPreferenceFactory(user=author)
    _linked_contribution(author, proposal)

    with django_capture_on_commit_callbacks(execute=True):
        _record(measure, national_team_member(), status=Status.IN_PROGRESS, progress=60)

    assert mail.outbox == []


def test_unpublished_linked_contribution_gets_no_mail(django_capture_on_commit_callbacks):
    proposal = ForwardedProposalFactory()
    measure = MeasureFactory(proposals=[proposal])
    author = UserFactory()
    FollowUpPreferenceFactory(user=author)
    proposal.related_contributions.add(ContributionFactory(author=author))  # pending

    with django_capture_on_commit_callbacks(execute=True):
        _record(measure, national_team_member())

    assert mail.outbox == []


def test_plan_progress_averages_measures_without_the_abandoned_ones():
    axis = AxisFactory()
    MeasureFactory(axis=axis, in_progress=True)  # 40
    MeasureFactory(axis=axis, done=True)  # 100
    MeasureFactory(axis=axis, abandoned=True)  # left out
    MeasureFactory(axis=AxisFactory())  # 0, another axis

    summary = Measure.objects.plan_progress()
    by_axis = {a.pk: (a.progress_value, a.measure_count) for a in Axis.objects.with_progress()}

    assert summary == {
        "progress": pytest.approx(140 / 3),
        "total": 4,
        "planned": 1,
        "in_progress": 1,
        "done": 1,
        "abandoned": 1,
    }
    assert by_axis[axis.pk] == (pytest.approx(70.0), 3)


def test_indicator_rows_update_and_delete_existing_indicators():
    national = national_team_member()
    measure = MeasureFactory()
    kept = IndicatorFactory(measure=measure, label="Ancien")
    dropped = IndicatorFactory(measure=measure)

    services.measure_update(
        measure=measure,
        updated_by=national,
        data={"title": measure.title},
        indicators=[
            {"id": kept.pk, "label": "Nouveau", "unit": "%", "target_value": Decimal("50")},
            {"id": dropped.pk, "label": dropped.label, "target_value": 1, "delete": True},
        ],
    )

    assert list(Indicator.objects.values_list("pk", "label", "unit")) == [(kept.pk, "Nouveau", "%")]


def test_local_action_refuses_another_territorys_proposal():
    lead = copil_member("grand-sud", role="copil_lead")
    other = ForwardedProposalFactory(territory=territory("sud-ouest"))

    with pytest.raises(ValidationError):
        services.local_action_create(
            territory=territory("grand-sud"),
            created_by=lead,
            data={"title": "Réseau", "description": "Texte", "owner": "COPIL"},
            proposals=[other],
        )


def test_copil_member_records_local_action_progress_but_not_another_territorys():
    action = LocalActionFactory()
    member = copil_member("grand-sud")

    services.local_action_record_progress(
        action=action,
        author=member,
        date=datetime.date(2015, 5, 1),
        text="Première rencontre.",
        status=Status.IN_PROGRESS,
        progress=25,
    )
    with pytest.raises(PermissionDenied):
        services.local_action_record_progress(
            action=action,
            author=copil_member("sud-ouest", role="copil_lead"),
            date=datetime.date(2015, 6, 1),
            text="Autre",
            status=Status.DONE,
            progress=100,
        )

    action.refresh_from_db()
    assert (action.status, action.progress) == (Status.IN_PROGRESS, 25)
    assert action.updates.count() == 1


def test_follow_up_preference_set_creates_then_updates():
    user = UserFactory()

    services.follow_up_preference_set(user=user, notify_measure_status=True)
    services.follow_up_preference_set(user=user, notify_measure_status=False)

    assert list(FollowUpPreference.objects.values_list("user_id", "notify_measure_status")) == [
        (user.pk, False)
    ]
