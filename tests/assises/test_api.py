"""The Assises section of API.md: paths, fields, status codes and who may do what."""

import pytest
from rest_framework.test import APIClient

from assises.models import HypothesisReview, Proposal, ProposalStatus, WorkingGroup
from tests.factories.assises import (
    HypothesisFactory,
    HypothesisReviewFactory,
    ProposalFactory,
    WorkingGroupFactory,
    territory,
)
from tests.factories.egts import copil_member

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "other_copil", "member", "facilitator", "lead", "national"]


def api(roles, role) -> APIClient:
    client = APIClient()
    if roles[role] is not None:
        client.force_authenticate(roles[role])
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", (401, None)),
        ("participant", (403, None)),
        ("other_copil", (200, ["sud-ouest"])),
        ("member", (200, ["grand-sud"])),
        ("facilitator", (200, [])),
        ("lead", (200, ["grand-sud"])),
        ("national", (200, 9)),
    ],
)
def test_assises_list_is_scoped_to_the_callers_territories(roles, role, expected):
    response = api(roles, role).get("/api/v1/assises/")
    status, territories = expected
    assert response.status_code == status
    if status != 200:
        return
    slugs = [item["territory"] for item in response.json()["results"]]
    if isinstance(territories, int):
        assert len(slugs) == territories
    else:
        assert slugs == territories


def test_assises_list_item_fields(roles):
    WorkingGroupFactory()
    ProposalFactory()
    ProposalFactory()
    item = api(roles, "lead").get("/api/v1/assises/").json()["results"][0]
    assert item == {
        "territory": "grand-sud",
        "name": "Grand Sud",
        "stage": "copil_launch",
        "assises_date": "2014-06-27",
        "place": "Marseille",
        "counts": {
            "contributions": 0,
            "practices": 0,
            "responses": 0,
            "working_groups": 1,
            "proposals": 2,
        },
    }


def test_assises_list_queries_do_not_grow_with_territories(roles, django_assert_max_num_queries):
    client = api(roles, "national")
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/assises/")
    assert response.json()["count"] == 9


GROUPS_URL = "/api/v1/assises/grand-sud/working-groups/"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("participant", 404),
        ("other_copil", 404),
        ("member", 200),
        ("facilitator", 403),
        ("lead", 200),
        ("national", 200),
    ],
)
def test_working_groups_list_matrix(roles, role, status):
    WorkingGroupFactory(name="Formation", facilitator=roles["facilitator"])
    response = api(roles, role).get(GROUPS_URL)
    assert response.status_code == status
    if status == 200:
        assert response.json()["results"] == [
            {
                "id": WorkingGroup.objects.get().pk,
                "name": "Formation",
                "theme": "T1",
                "policy": "P1",
                "scale": "regional",
                "facilitator": roles["facilitator"].email,
            }
        ]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("participant", 404),
        ("other_copil", 404),
        ("member", 201),
        ("facilitator", 403),
        ("lead", 201),
        ("national", 201),
    ],
)
def test_working_group_create_matrix(roles, role, status):
    body = {"name": "Nouveau", "theme": "T3", "policy": "P2", "scale": "communal"}
    response = api(roles, role).post(GROUPS_URL, body, format="json")
    assert response.status_code == status
    assert WorkingGroup.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        group = WorkingGroup.objects.get()
        assert (group.territory.slug, group.theme_id, group.scale) == (
            "grand-sud",
            "T3",
            "communal",
        )


def test_working_group_create_reports_bad_fields(roles):
    outsider = copil_member("sud-ouest")
    response = api(roles, "lead").post(
        GROUPS_URL,
        {
            "name": "",
            "theme": "T9",
            "policy": "P1",
            "scale": "global",
            "facilitator": outsider.email,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"name", "theme", "scale", "facilitator"}
    assert response.json()["theme"] == ["Code inconnu : « T9 »."]
    assert WorkingGroup.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("participant", 403),
        ("other_copil", 200),
        ("member", 200),
        ("facilitator", 200),
        ("lead", 200),
        ("national", 200),
    ],
)
def test_hypotheses_are_for_back_office_users(roles, role, status):
    published = HypothesisFactory(statement="Les métiers sont cloisonnés")
    HypothesisFactory(is_published=False)
    response = api(roles, role).get("/api/v1/hypotheses/")
    assert response.status_code == status
    if status == 200 and role != "national":
        assert response.json()["results"] == [
            {
                "id": published.pk,
                "statement": "Les métiers sont cloisonnés",
                "theme": "T2",
                "policy": "P2",
            }
        ]
    if role == "national":
        assert response.json()["count"] == 2


REVIEWS_URL = "/api/v1/assises/grand-sud/hypothesis-reviews/"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("participant", 404),
        ("other_copil", 404),
        ("member", 201),
        ("facilitator", 403),
        ("lead", 201),
        ("national", 201),
    ],
)
def test_hypothesis_review_create_matrix(roles, role, status):
    hypothesis = HypothesisFactory()
    body = {"hypothesis": hypothesis.pk, "verdict": "invalidated", "argument": "Non constaté"}
    response = api(roles, role).post(REVIEWS_URL, body, format="json")
    assert response.status_code == status
    assert HypothesisReview.objects.count() == (1 if status == 201 else 0)


def test_second_review_post_updates_the_first(roles):
    hypothesis = HypothesisFactory()
    client = api(roles, "member")
    client.post(
        REVIEWS_URL,
        {"hypothesis": hypothesis.pk, "verdict": "confirmed", "argument": "Oui"},
        format="json",
    )
    response = client.post(
        REVIEWS_URL,
        {
            "hypothesis": hypothesis.pk,
            "verdict": "refined",
            "argument": "En partie",
            "refined_statement": "Les métiers sont cloisonnés dans le secteur public",
        },
        format="json",
    )
    assert response.status_code == 200
    review = HypothesisReview.objects.get()
    assert (review.verdict, review.refined_statement) == (
        "refined",
        "Les métiers sont cloisonnés dans le secteur public",
    )
    listed = client.get(REVIEWS_URL).json()["results"]
    assert [(r["hypothesis"], r["verdict"]) for r in listed] == [(hypothesis.pk, "refined")]


def test_refined_review_needs_a_new_wording(roles):
    hypothesis = HypothesisFactory()
    response = api(roles, "member").post(
        REVIEWS_URL,
        {"hypothesis": hypothesis.pk, "verdict": "refined", "argument": "En partie"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "refined_statement": ["Indiquez la nouvelle formulation de l'hypothèse."]
    }


def test_review_of_an_unpublished_hypothesis_is_refused(roles):
    hidden = HypothesisFactory(is_published=False)
    response = api(roles, "member").post(
        REVIEWS_URL,
        {"hypothesis": hidden.pk, "verdict": "confirmed", "argument": "Oui"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["hypothesis"]


def test_other_territorys_reviews_are_not_listed(roles):
    HypothesisReviewFactory()
    HypothesisReviewFactory(territory=territory("sud-ouest"))
    results = api(roles, "member").get(REVIEWS_URL).json()["results"]
    assert len(results) == 1


PROPOSALS_URL = "/api/v1/assises/grand-sud/proposals/"
PROPOSAL_BODY = {
    "title": "Former ensemble",
    "description": "Des modules communs aux formations sociales.",
    "theme": "T1",
    "policy": "P3",
    "level": "regional",
    "owner": "Conseil régional",
    "priority": "high",
    "deadline": "2015-06-30",
    "indicators": "Nombre de modules communs",
}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("participant", 404),
        ("other_copil", 404),
        ("member", 201),
        ("facilitator", 403),
        ("lead", 201),
        ("national", 201),
    ],
)
def test_proposal_create_matrix(roles, role, status):
    response = api(roles, role).post(PROPOSALS_URL, PROPOSAL_BODY, format="json")
    assert response.status_code == status
    assert Proposal.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        body = response.json()
        assert body == {
            **PROPOSAL_BODY,
            "id": Proposal.objects.get().pk,
            "working_group": None,
            "status": "draft",
            "rank": None,
            "related_contributions": [],
            "related_practices": [],
        }


def test_proposal_in_another_territorys_group_is_refused(roles):
    foreign = WorkingGroupFactory(territory=territory("sud-ouest"))
    response = api(roles, "lead").post(
        PROPOSALS_URL, {**PROPOSAL_BODY, "working_group": foreign.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"working_group": ["Ce groupe n'appartient pas au territoire."]}
    assert Proposal.objects.count() == 0


def test_proposal_list_fields(roles):
    proposal = ProposalFactory(title="Levier", deadline=None, indicators="")
    results = api(roles, "member").get(PROPOSALS_URL).json()["results"]
    assert results == [
        {
            "id": proposal.pk,
            "title": "Levier",
            "description": proposal.description,
            "working_group": None,
            "theme": "T1",
            "policy": "P1",
            "level": "regional",
            "owner": "Conseil régional",
            "priority": "medium",
            "deadline": None,
            "indicators": "",
            "status": "draft",
            "rank": None,
            "related_contributions": [],
            "related_practices": [],
        }
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("participant", 404),
        ("other_copil", 404),
        ("member", 403),
        ("facilitator", 403),
        ("lead", 200),
        ("national", 403),
    ],
)
def test_proposal_validate_matrix(roles, role, status):
    group = WorkingGroupFactory(facilitator=roles["facilitator"])
    proposal = ProposalFactory(working_group=group)
    response = api(roles, role).post(f"/api/v1/proposals/{proposal.pk}/validate/")
    assert response.status_code == status
    proposal.refresh_from_db()
    if status == 200:
        assert response.json()["status"] == "validated"
        assert (proposal.status, proposal.rank) == (ProposalStatus.VALIDATED, 1)
    else:
        assert (proposal.status, proposal.rank) == (ProposalStatus.DRAFT, None)


def test_validating_twice_is_a_400(roles):
    proposal = ProposalFactory(validated=True, rank=1)
    response = api(roles, "lead").post(f"/api/v1/proposals/{proposal.pk}/validate/")
    assert response.status_code == 400
    assert response.json() == {"status": ["Seule une proposition en brouillon se valide."]}


def test_review_and_proposal_link_published_contributions_and_practices(roles):
    from tests.factories.contributions import ContributionFactory, department
    from tests.factories.practices import PracticeFactory

    published = ContributionFactory(published=True)
    pending = ContributionFactory()
    foreign = ContributionFactory(published=True, department=department("33"))
    practice = PracticeFactory(published=True)
    hypothesis = HypothesisFactory()
    client = api(roles, "member")
    body = {"hypothesis": hypothesis.pk, "verdict": "confirmed", "argument": "Oui"}
    response = client.post(
        REVIEWS_URL, {**body, "supporting_contributions": [published.pk]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["supporting_contributions"] == [published.pk]
    for refused in (pending, foreign):
        response = client.post(
            REVIEWS_URL, {**body, "supporting_contributions": [refused.pk]}, format="json"
        )
        assert response.status_code == 400
        assert list(response.json()) == ["supporting_contributions"]
    assert list(HypothesisReview.objects.get().supporting_contributions.all()) == [published]
    response = client.post(
        PROPOSALS_URL,
        {
            **PROPOSAL_BODY,
            "related_contributions": [published.pk],
            "related_practices": [practice.pk],
        },
        format="json",
    )
    assert response.status_code == 201
    proposal = Proposal.objects.get()
    assert (
        list(proposal.related_contributions.all()),
        list(proposal.related_practices.all()),
    ) == ([published], [practice])
