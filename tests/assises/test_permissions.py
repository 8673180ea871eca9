"""Role matrix of the back-office HTML views: who sees, who acts, and denials change nothing.

Roles: anonymous, participant, COPIL lead of another territory, COPIL member,
facilitator (of the group concerned), COPIL lead, national team. 404 for what the
user may not see, 403 for what they see but may not do, a login redirect for anonymous.
"""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from assises.models import (
    Assise,
    Checkpoint,
    HypothesisReview,
    Invitation,
    Meeting,
    Proposal,
    ProposalStatus,
    TerritorialReport,
    WorkingGroup,
)
from egts.models import Membership, Role
from tests.factories.assises import (
    HypothesisFactory,
    ProposalFactory,
    WorkingGroupFactory,
)
from tests.factories.egts import copil_member

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "other_copil", "member", "facilitator", "lead", "national"]


def _client(client, roles, role):
    if roles[role] is not None:
        client.force_login(roles[role])
    return client


def _outcome(response) -> Any:
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return "login"
    return response.status_code


# ---- pages (GET) -------------------------------------------------------------------------


GET_MATRIX = {
    # name: (url builder, {role: expected})
    "dashboard": (
        lambda ctx: reverse("assises:dashboard", args=["grand-sud"]),
        {"participant": 404, "other_copil": 404, "member": 200, "facilitator": 403},
    ),
    "members": (
        lambda ctx: reverse("assises:members", args=["grand-sud"]),
        {"participant": 404, "other_copil": 404, "member": 200, "facilitator": 403},
    ),
    "groups": (
        lambda ctx: reverse("assises:groups", args=["grand-sud"]),
        {"participant": 404, "other_copil": 404, "member": 200, "facilitator": 403},
    ),
    "group-detail": (
        lambda ctx: reverse("assises:group-detail", args=[ctx["group"].pk]),
        {"participant": 404, "other_copil": 404, "member": 200, "facilitator": 200},
    ),
    "proposals": (
        lambda ctx: reverse("assises:proposals", args=["grand-sud"]),
        {"participant": 404, "other_copil": 404, "member": 200, "facilitator": 403},
    ),
    "proposal-detail": (
        lambda ctx: reverse("assises:proposal-detail", args=[ctx["proposal"].pk]),
        {"participant": 404, "other_copil": 404, "member": 200, "facilitator": 200},
    ),
    "report": (
        lambda ctx: reverse("assises:report", args=["grand-sud"]),
        {"participant": 404, "other_copil": 404, "member": 200, "facilitator": 403},
    ),
    "reviews": (
        lambda ctx: reverse("assises:reviews", args=["grand-sud"]),
        {"participant": 404, "other_copil": 404, "member": 200, "facilitator": 403},
    ),
    "hypothesis-matrix": (
        lambda ctx: reverse("assises:hypothesis-matrix"),
        {"participant": 403, "other_copil": 403, "member": 403, "facilitator": 403, "lead": 403},
    ),
    "national-groups": (
        lambda ctx: reverse("assises:national-groups"),
        {"participant": 403, "other_copil": 403, "member": 403, "facilitator": 403, "lead": 403},
    ),
}


@pytest.fixture
def ctx(roles):
    group = WorkingGroupFactory(facilitator=roles["facilitator"])
    proposal = ProposalFactory(working_group=group)
    return {"group": group, "proposal": proposal}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(GET_MATRIX))
def test_back_office_pages_role_matrix(client, roles, ctx, page, role):
    url, expected = GET_MATRIX[page]
    expected = {"anonymous": "login", "lead": 200, "national": 200} | expected
    response = _client(client, roles, role).get(url(ctx))
    assert _outcome(response) == expected[role]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("participant", 403),
        ("other_copil", 302),
        ("member", 302),
        ("facilitator", 200),
        ("lead", 302),
        ("national", 200),
    ],
)
def test_home_sends_each_role_to_its_place(client, roles, role, expected):
    response = _client(client, roles, role).get(reverse("assises:home"))
    assert _outcome(response) == expected
    if role in ("member", "lead"):
        assert response["Location"] == reverse("assises:dashboard", args=["grand-sud"])
    if role == "other_copil":
        assert response["Location"] == reverse("assises:dashboard", args=["sud-ouest"])


def test_national_team_home_lists_the_nine_territories(client, roles):
    client.force_login(roles["national"])
    response = client.get(reverse("assises:home"))
    assert len(response.context["rows"]) == 9


def test_facilitator_home_lists_only_their_groups(client, roles):
    mine = WorkingGroupFactory(facilitator=roles["facilitator"], name="Mon groupe")
    WorkingGroupFactory(name="Autre groupe")
    client.force_login(roles["facilitator"])
    response = client.get(reverse("assises:home"))
    assert list(response.context["groups"]) == [mine]


# ---- actions (POST) ----------------------------------------------------------------------


@dataclass
class Action:
    url: Any
    data: Any
    effect: Any  # ctx -> a value that changes when the action happens
    allowed: tuple
    hidden: tuple = ("participant", "other_copil")  # 404


def _stage(ctx):
    return Assise.objects.get(territory__slug="grand-sud").stage, Checkpoint.objects.count()


ACTIONS = {
    "record-checkpoint": Action(
        url=lambda ctx: reverse("assises:checkpoints", args=["grand-sud"]),
        data=lambda ctx: {"meeting_date": "2014-01-10", "decisions": "Lancement", "outcome": "go"},
        effect=_stage,
        allowed=("lead",),
    ),
    "invite": Action(
        url=lambda ctx: reverse("assises:members", args=["grand-sud"]),
        data=lambda ctx: {"email": "nouvelle@exemple.fr", "role": Role.COPIL_MEMBER},
        effect=lambda ctx: (Invitation.objects.count(), len(mail.outbox)),
        allowed=("lead",),
    ),
    "remove-member": Action(
        url=lambda ctx: reverse(
            "assises:member-remove", args=["grand-sud", ctx["removable"].memberships.get().pk]
        ),
        data=lambda ctx: {},
        effect=lambda ctx: Membership.objects.filter(user=ctx["removable"]).count(),
        allowed=("lead",),
    ),
    "create-group": Action(
        url=lambda ctx: reverse("assises:group-create", args=["grand-sud"]),
        data=lambda ctx: {"name": "Nouveau", "theme": "T1", "policy": "P1", "scale": "regional"},
        effect=lambda ctx: WorkingGroup.objects.count(),
        allowed=("member", "lead", "national"),
    ),
    "record-meeting": Action(
        url=lambda ctx: reverse("assises:meeting-create", args=[ctx["group"].pk]),
        data=lambda ctx: {
            "date": "2014-03-01",
            "place": "Nîmes",
            "agenda": "Points",
            "minutes": "<p>ok</p>",
        },
        effect=lambda ctx: Meeting.objects.count(),
        allowed=("member", "facilitator", "lead", "national"),
    ),
    "draft-proposal": Action(
        url=lambda ctx: reverse("assises:group-proposal-create", args=[ctx["group"].pk]),
        data=lambda ctx: {
            "title": "Levier",
            "description": "Description du levier",
            "working_group": ctx["group"].pk,
            "theme": "T1",
            "policy": "P1",
            "level": "regional",
            "owner": "Région",
            "priority": "high",
        },
        effect=lambda ctx: Proposal.objects.count(),
        allowed=("member", "facilitator", "lead", "national"),
    ),
    "validate-proposal": Action(
        url=lambda ctx: reverse("assises:proposal-validate", args=[ctx["proposal"].pk]),
        data=lambda ctx: {},
        effect=lambda ctx: Proposal.objects.get(pk=ctx["proposal"].pk).status,
        allowed=("lead",),
    ),
    "move-proposal": Action(
        url=lambda ctx: reverse("assises:proposal-move", args=[ctx["second"].pk]),
        data=lambda ctx: {"direction": "up"},
        effect=lambda ctx: Proposal.objects.get(pk=ctx["second"].pk).rank,
        allowed=("member", "lead"),
    ),
    "forward-proposals": Action(
        url=lambda ctx: reverse("assises:proposals-forward", args=["grand-sud"]),
        data=lambda ctx: {},
        effect=lambda ctx: Proposal.objects.filter(status=ProposalStatus.FORWARDED).count(),
        allowed=("lead",),
    ),
    "review-hypothesis": Action(
        url=lambda ctx: reverse("assises:review-edit", args=["grand-sud", ctx["hypothesis"].pk]),
        data=lambda ctx: {"verdict": "confirmed", "argument": "Constaté sur le terrain"},
        effect=lambda ctx: HypothesisReview.objects.count(),
        allowed=("member", "lead", "national"),
    ),
    "submit-report": Action(
        url=lambda ctx: reverse("assises:report-submit", args=["grand-sud"]),
        data=lambda ctx: {"confirm": "on"},
        effect=lambda ctx: TerritorialReport.objects.count(),
        allowed=("lead",),
    ),
    "add-hypothesis": Action(
        url=lambda ctx: reverse("assises:hypotheses"),
        data=lambda ctx: {"statement": "Nouvelle hypothèse", "theme": "T1", "policy": "P1"},
        effect=lambda ctx: ctx["hypothesis"].__class__.objects.count(),
        allowed=("national",),
        hidden=(),
    ),
}


@pytest.fixture
def action_ctx(roles):
    group = WorkingGroupFactory(facilitator=roles["facilitator"])
    first = ProposalFactory(working_group=group, validated=True, rank=1)
    second = ProposalFactory(working_group=group, validated=True, rank=2)
    return {
        "group": group,
        "proposal": ProposalFactory(working_group=group),
        "first": first,
        "second": second,
        "hypothesis": HypothesisFactory(),
        "removable": copil_member("grand-sud"),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_back_office_actions_role_matrix(client, roles, action_ctx, name, role):
    action = ACTIONS[name]
    before = action.effect(action_ctx)
    response = _client(client, roles, role).post(action.url(action_ctx), action.data(action_ctx))
    after = action.effect(action_ctx)
    if role == "anonymous":
        assert _outcome(response) == "login"
    elif role in action.allowed:
        assert response.status_code == 302, getattr(response, "context", None) and (
            response.context.get("form") and response.context["form"].errors
        )
        assert after != before
        return
    elif role in action.hidden:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert after == before


def test_lead_cannot_remove_themselves(client, roles):
    client.force_login(roles["lead"])
    membership = roles["lead"].memberships.get()
    client.post(reverse("assises:member-remove", args=["grand-sud", membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_member_of_another_territory_cannot_be_removed_through_this_one(client, roles):
    client.force_login(roles["lead"])
    other = roles["other_copil"].memberships.get()
    response = client.post(reverse("assises:member-remove", args=["grand-sud", other.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_checkpoint_adjust_keeps_the_stage(client, roles):
    client.force_login(roles["lead"])
    client.post(
        reverse("assises:checkpoints", args=["grand-sud"]),
        {"meeting_date": "2014-01-10", "decisions": "À revoir", "outcome": "adjust"},
    )
    assise = Assise.objects.get(territory__slug="grand-sud")
    assert assise.stage == "copil_launch"
    checkpoint = Checkpoint.objects.get()
    assert (checkpoint.stage, checkpoint.outcome, checkpoint.meeting_date) == (
        "copil_launch",
        "adjust",
        datetime.date(2014, 1, 10),
    )
