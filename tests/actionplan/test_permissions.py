"""Role matrix of the action plan: who sees, who acts, and a denial changes nothing.

Roles: anonymous, participant, COPIL lead of another territory, COPIL member,
facilitator, COPIL lead (of Grand Sud) and national team.
"""

import pytest
from django.urls import reverse

from actionplan.models import Axis, LocalAction, Measure, ProgressUpdate, Status
from tests.factories.actionplan import (
    AxisFactory,
    ForwardedProposalFactory,
    LocalActionFactory,
    MeasureFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "other_copil", "member", "facilitator", "lead", "national"]
NATIONAL_ONLY = {
    "anonymous": "login",
    "participant": 403,
    "other_copil": 403,
    "member": 403,
    "facilitator": 403,
    "lead": 403,
    "national": 200,
}


def _as(client, roles, role):
    if roles[role] is not None:
        client.force_login(roles[role])
    return client


def _outcome(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return "login"
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name", ["actionplan:manage", "actionplan:axis-create", "actionplan:measure-create"]
)
def test_national_back_office_pages(client, roles, role, name):
    response = _as(client, roles, role).get(reverse(name))

    assert _outcome(response) == NATIONAL_ONLY[role]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_national_team_creates_an_axis(client, roles, role):
    response = _as(client, roles, role).post(
        reverse("actionplan:axis-create"), {"title": "Axe", "order": 1}
    )

    expected = {**NATIONAL_ONLY, "national": 302}[role]
    assert _outcome(response) == expected
    assert Axis.objects.filter(title="Axe").count() == (1 if role == "national" else 0)


def _measure_post(axis, proposal) -> dict:
    return {
        "axis": axis.pk,
        "title": "Socle commun",
        "description": "Texte",
        "owner": "DGCS",
        "order": 0,
        "proposals": [proposal.pk],
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
    }


@pytest.mark.parametrize("role", ROLES)
def test_only_the_national_team_creates_a_measure(client, roles, role):
    axis, proposal = AxisFactory(), ForwardedProposalFactory()

    response = _as(client, roles, role).post(
        reverse("actionplan:measure-create"), _measure_post(axis, proposal)
    )

    expected = {**NATIONAL_ONLY, "national": 302}[role]
    assert _outcome(response) == expected
    assert Measure.objects.count() == (1 if role == "national" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_national_team_records_progress_of_a_measure(client, roles, role):
    measure = MeasureFactory()

    response = _as(client, roles, role).post(
        reverse("actionplan:measure-progress", args=[measure.pk]),
        {"date": "2015-03-01", "status": "in_progress", "progress": 40, "text": "Fait"},
    )

    expected = {**NATIONAL_ONLY, "national": 302}[role]
    assert _outcome(response) == expected
    measure.refresh_from_db()
    if role == "national":
        assert (measure.status, measure.progress) == (Status.IN_PROGRESS, 40)
    else:
        assert (measure.status, measure.progress) == (Status.PLANNED, 0)
        assert not ProgressUpdate.objects.exists()


LOCAL = {
    "anonymous": "login",
    "participant": 404,
    "other_copil": 404,
    "member": 200,
    "facilitator": 403,
    "lead": 200,
    "national": 200,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["actionplan:local-actions", "actionplan:local-action-create"])
def test_local_action_pages(client, roles, role, name):
    response = _as(client, roles, role).get(reverse(name, args=["grand-sud"]))

    assert _outcome(response) == LOCAL[role]


@pytest.mark.parametrize("role", ROLES)
def test_copil_and_national_team_create_local_actions(client, roles, role):
    response = _as(client, roles, role).post(
        reverse("actionplan:local-action-create", args=["grand-sud"]),
        {
            "title": "Réseau",
            "description": "Texte",
            "owner": "COPIL",
            "indicators-TOTAL_FORMS": 0,
            "indicators-INITIAL_FORMS": 0,
        },
    )

    expected = {**LOCAL, "member": 302, "lead": 302, "national": 302}[role]
    assert _outcome(response) == expected
    created = role in ("member", "lead", "national")
    assert LocalAction.objects.filter(title="Réseau").count() == (1 if created else 0)


@pytest.mark.parametrize("role", ROLES)
def test_copil_and_national_team_record_local_progress(client, roles, role):
    action = LocalActionFactory()

    response = _as(client, roles, role).post(
        reverse("actionplan:local-action-progress", args=[action.pk]),
        {"date": "2015-03-01", "status": "done", "progress": 90, "text": "Fait"},
    )

    expected = {**LOCAL, "member": 302, "lead": 302, "national": 302}[role]
    assert _outcome(response) == expected
    action.refresh_from_db()
    if role in ("member", "lead", "national"):
        assert (action.status, action.progress) == (Status.DONE, 100)
    else:
        assert (action.status, action.progress) == (Status.PLANNED, 0)


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_are_open_to_everyone(client, roles, role):
    measure = MeasureFactory()
    client = _as(client, roles, role)

    assert client.get(reverse("actionplan:plan")).status_code == 200
    assert client.get(measure.get_absolute_url()).status_code == 200
    assert client.get(reverse("actionplan:feed")).status_code == 200
    assert client.get(reverse("actionplan:csv")).status_code == 200
