"""A territory's follow-up stage: local actions edited in its workspace, shown on its page."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplan.models import Indicator, LocalAction, Status
from tests.factories.actionplan import (
    FollowUpPreferenceFactory,
    ForwardedProposalFactory,
    IndicatorFactory,
    LocalActionFactory,
)
from tests.factories.assises import ProposalFactory, territory
from tests.factories.egts import UserFactory, copil_member

pytestmark = pytest.mark.django_db


def test_edit_renames_and_deletes_indicators_of_a_local_action(client):
    action = LocalActionFactory(title="Réseau")
    kept = IndicatorFactory(measure=None, local_action=action, label="Rencontres")
    dropped = IndicatorFactory(measure=None, local_action=action, label="Ancien")
    client.force_login(copil_member("grand-sud", role="copil_lead"))

    response = client.post(
        reverse("actionplan:local-action-edit", args=[action.pk]),
        {
            "title": "Réseau régional",
            "description": "Texte",
            "owner": "COPIL",
            "indicators-TOTAL_FORMS": 3,
            "indicators-INITIAL_FORMS": 2,
            "indicators-0-id": kept.pk,
            "indicators-0-label": "Rencontres par an",
            "indicators-0-target_value": "4",
            "indicators-1-id": dropped.pk,
            "indicators-1-label": "Ancien",
            "indicators-1-target_value": "1",
            "indicators-1-delete": "on",
            "indicators-2-label": "Participants",
            "indicators-2-target_value": "30",
        },
    )

    assert response["Location"] == reverse("actionplan:local-actions", args=["grand-sud"])
    action.refresh_from_db()
    assert action.title == "Réseau régional"
    assert list(
        Indicator.objects.filter(local_action=action).values_list("label", "target_value")
    ) == [("Rencontres par an", Decimal("4.00")), ("Participants", Decimal("30.00"))]


def test_an_indicator_id_of_another_action_is_a_form_error_and_changes_nothing(client):
    action = LocalActionFactory()
    foreign = IndicatorFactory(label="Ailleurs")
    client.force_login(copil_member("grand-sud"))

    response = client.post(
        reverse("actionplan:local-action-edit", args=[action.pk]),
        {
            "title": "Nouveau titre",
            "description": "Texte",
            "owner": "COPIL",
            "indicators-TOTAL_FORMS": 1,
            "indicators-INITIAL_FORMS": 0,
            "indicators-0-id": foreign.pk,
            "indicators-0-label": "Volé",
            "indicators-0-target_value": "1",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Indicateur inconnu."]
    foreign.refresh_from_db()
    action.refresh_from_db()
    assert (foreign.label, foreign.measure_id is not None) == ("Ailleurs", True)
    assert action.title != "Nouveau titre"


def test_local_action_form_offers_only_the_territorys_non_draft_proposals(client):
    own = ForwardedProposalFactory(title="Chez nous")
    ProposalFactory(title="Brouillon")
    ForwardedProposalFactory(title="Ailleurs", territory=territory("sud-ouest"))
    client.force_login(copil_member("grand-sud"))

    response = client.get(reverse("actionplan:local-action-create", args=["grand-sud"]))

    assert list(response.context["form"].fields["proposals"].queryset) == [own]


def test_local_action_progress_bad_input_keeps_values(client):
    action = LocalActionFactory()
    client.force_login(copil_member("grand-sud"))

    response = client.post(
        reverse("actionplan:local-action-progress", args=[action.pk]),
        {"date": "hier", "status": "done", "progress": "50", "text": "Mon compte rendu"},
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["date"]
    assert "Mon compte rendu" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Status.PLANNED


@pytest.mark.parametrize("rows", [1, 50])
def test_territory_page_query_count_does_not_grow_with_actions(
    client, settings, django_assert_num_queries, rows
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    for _ in range(rows):
        IndicatorFactory(measure=None, local_action=LocalActionFactory())

    # territory, regions, departments, local actions, their indicators
    with django_assert_num_queries(5):
        response = client.get(reverse("territory-detail", args=["grand-sud"]))

    assert response.content.decode().count('id="action-') == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_workspace_follow_up_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    LocalActionFactory.create_batch(rows)
    client.force_login(copil_member("grand-sud"))

    with django_assert_max_num_queries(9):
        response = client.get(reverse("actionplan:local-actions", args=["grand-sud"]))

    assert len(response.context["actions"]) == rows
    assert LocalAction.objects.count() == rows


def test_participant_export_holds_the_opt_in(client):
    user = UserFactory()
    FollowUpPreferenceFactory(user=user)
    client.force_login(user)

    data = json.loads(client.get(reverse("participant-export")).content)

    assert data["follow_up_preference"] == {"notify_measure_status": True}
