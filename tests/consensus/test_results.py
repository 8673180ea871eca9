"""Results: computed in SQL by the Celery task, stored, and shown suppressed."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consensus.models import Computation, StatementResult
from consensus.results import results_compute
from consensus.tasks import compute_results
from tests.factories.consensus import PaperTallyFactory, StatementFactory, territory, votes

pytestmark = pytest.mark.django_db

CATEGORIES = ["elus", "professionnels", "usagers", "benevoles"]


def consensual_statement(**kwargs):
    statement = StatementFactory(published=True, **kwargs)
    for category in CATEGORIES:
        votes(statement, category, agree=4, disagree=1, territory=statement.territory)
    return statement


def test_results_sum_online_votes_and_paper_tallies_by_category(django_assert_max_num_queries):
    statement = StatementFactory(published=True)
    votes(statement, "usagers", agree=3, disagree=1, passed=1, territory=territory())
    PaperTallyFactory(statement=statement, actor_category="usagers", agree=10, disagree=2, passed=1)
    PaperTallyFactory(statement=statement, actor_category="elus", agree=1, disagree=0, passed=0)
    results_compute(territory=None)
    result = StatementResult.objects.get(statement=statement)
    assert result.by_actor_category == {"elus": [1, 0, 0], "usagers": [13, 3, 2]}
    assert (result.agree, result.disagree, result.passed, result.paper_votes) == (14, 3, 2, 14)


def test_computation_queries_do_not_grow_with_statements(django_assert_max_num_queries):
    consensual_statement()
    with django_assert_max_num_queries(20) as one:
        results_compute(territory=None)
    for _ in range(5):
        consensual_statement()
    with django_assert_max_num_queries(len(one.captured_queries)):
        results_compute(territory=None)


def test_task_stores_consensus_and_moves_computed_at_forward():
    statement = consensual_statement()
    compute_results.delay(None)
    first = Computation.objects.get(scope="national").computed_at
    assert StatementResult.objects.get(statement=statement).consensus == "agree"
    compute_results.delay(None)
    assert Computation.objects.get(scope="national").computed_at > first


def test_a_territory_scope_counts_its_own_votes_only():
    statement = StatementFactory(published=True, national=True)
    for category in CATEGORIES:
        votes(statement, category, agree=5, territory=territory("grand-sud"))
        votes(statement, category, disagree=5, territory=territory("grand-nord"))
    results_compute(territory=territory("grand-sud"))
    results_compute(territory=None)
    south = StatementResult.objects.get(computation__scope="grand-sud")
    national = StatementResult.objects.get(computation__scope="national")
    assert (south.consensus, south.agree, south.disagree) == ("agree", 20, 0)
    assert (national.consensus, national.agree, national.disagree) == ("", 20, 20)


def test_unpublished_statements_have_no_results():
    statement = consensual_statement()
    statement.status = "rejected"
    statement.save()
    results_compute(territory=None)
    assert not StatementResult.objects.exists()


def test_results_endpoint_follows_the_contract_and_suppresses_small_counts():
    statement = consensual_statement()
    votes(statement, "formation", agree=2, disagree=1, territory=territory())
    compute_results.delay(None)
    response = APIClient().get(f"/api/v1/statements/{statement.pk}/results/")
    assert response.status_code == 200
    data = response.json()
    computed_at = Computation.objects.get(scope="national").computed_at
    assert data["votes"] == 23
    # 4 × 4 + 2 agree, 4 × 1 + 1 disagree, no pass.
    assert data["overall"] == {"agree": 18, "disagree": 5, "pass": None}
    assert data["by_actor_category"]["elus"] == {"agree": None, "disagree": None, "pass": None}
    assert data["by_actor_category"]["formation"] is None  # 3 votes
    assert data["by_actor_category"]["employeurs"] is None
    assert set(data["by_actor_category"]) == {
        "elus",
        "professionnels",
        "employeurs",
        "formation",
        "encadrement",
        "autres-professionnels",
        "benevoles",
        "usagers",
    }
    assert data["consensus"] == "agree"
    assert data["divisive"] is False
    assert data["computed_at"] == computed_at.isoformat().replace("+00:00", "Z")


def test_results_before_any_computation_say_so():
    statement = StatementFactory(published=True)
    data = APIClient().get(f"/api/v1/statements/{statement.pk}/results/").json()
    assert data["computed_at"] is None
    assert data["votes"] is None
    assert data["consensus"] is None


def test_results_are_never_computed_in_the_request():
    statement = consensual_statement()
    data = APIClient().get(f"/api/v1/statements/{statement.pk}/results/").json()
    assert data["consensus"] is None
    assert not Computation.objects.exists()


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_results_of_an_unpublished_statement_are_404(status):
    statement = StatementFactory(status=status)
    assert APIClient().get(f"/api/v1/statements/{statement.pk}/results/").status_code == 404


def test_consensus_endpoint_lists_consensus_and_divisive_ids_by_theme_and_territory():
    agreed = consensual_statement()
    split = StatementFactory(published=True, theme_id="T2")
    votes(split, "usagers", agree=5, territory=territory())
    votes(split, "professionnels", disagree=5, territory=territory())
    compute_results.delay(None)
    data = APIClient().get("/api/v1/consensus/").json()
    assert data["consensus"] == [agreed.pk]
    assert data["divisive"] == [split.pk]
    assert [group["id"] for group in data["groups"]] == list(range(1, len(data["groups"]) + 1))
    for group in data["groups"]:
        counts = [group["size"], *group["by_actor_category"].values()]
        assert all(n is None or n >= 5 for n in counts)
    assert data["computed_at"] is not None
    themed = APIClient().get("/api/v1/consensus/", {"theme": "T2"}).json()
    assert (themed["consensus"], themed["divisive"]) == ([], [split.pk])
    # Grand Sud's scope has not been computed yet.
    south = APIClient().get("/api/v1/consensus/", {"territory": "grand-sud"}).json()
    assert south == {"computed_at": None, "consensus": [], "divisive": [], "groups": []}


@pytest.mark.parametrize(("param", "value"), [("territory", "atlantide"), ("theme", "T0")])
def test_consensus_endpoint_refuses_unknown_codes(param, value):
    response = APIClient().get("/api/v1/consensus/", {param: value})
    assert response.status_code == 400
    assert param in response.json()


@pytest.mark.parametrize(
    ("who", "body", "expected"),
    [
        ("anonymous", {}, 401),
        ("participant", {}, 403),
        ("participant", {"territory": "grand-sud"}, 403),
        ("copil_other", {"territory": "grand-sud"}, 403),
        ("copil_member", {}, 403),  # the national scope is the national team's
        ("copil_member", {"territory": "grand-sud"}, 202),
        ("copil_lead", {"territory": "grand-sud"}, 202),
        ("national", {"territory": "grand-sud"}, 202),
        ("national", {}, 202),
    ],
)
def test_refresh_role_matrix(api_as, django_capture_on_commit_callbacks, who, body, expected):
    consensual_statement()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_as(who).post("/api/v1/consensus/refresh/", body, format="json")
    assert response.status_code == expected
    scope = body.get("territory", "national")
    computation = Computation.objects.filter(scope=scope).first()
    if expected == 202:
        assert len(callbacks) == 1
        assert response.json()["scope"] == scope
        assert computation.computed_at >= before  # the (eager) worker moved it forward
    else:
        assert callbacks == []
        assert computation is None


def test_refresh_refuses_an_unknown_territory(api_as):
    response = api_as("national").post(
        "/api/v1/consensus/refresh/", {"territory": "atlantide"}, format="json"
    )
    assert response.status_code == 400
    assert "territory" in response.json()


def test_a_failed_computation_keeps_the_last_results_and_says_why(monkeypatch):
    statement = consensual_statement()
    compute_results.delay(None)
    computed_at = Computation.objects.get().computed_at

    def broken(**_kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr("consensus.results.count_votes", lambda territory: broken())
    with pytest.raises(RuntimeError):
        compute_results.delay(None)
    computation = Computation.objects.get()
    assert computation.computed_at == computed_at
    assert computation.error == "RuntimeError: disque plein"
    assert StatementResult.objects.get().statement == statement
