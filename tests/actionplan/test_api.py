"""API v1 of the action plan: read-only, public, paginated, 400 on bad filters, never 500."""

import pytest
from django.urls import reverse

from tests.factories.actionplan import (
    AxisFactory,
    ForwardedProposalFactory,
    IndicatorFactory,
    LocalActionFactory,
    MeasureFactory,
    ProgressUpdateFactory,
)
from tests.factories.assises import territory

pytestmark = pytest.mark.django_db


def test_plan_summary_with_progress_per_axis(client):
    axis = AxisFactory(title="Formations")
    MeasureFactory(axis=axis, in_progress=True)
    MeasureFactory(axis=axis, done=True)

    data = client.get(reverse("api-action-plan")).json()

    assert data == {
        "progress": 70.0,
        "measures": 2,
        "by_status": {"planned": 0, "in_progress": 1, "done": 1, "abandoned": 0},
        "axes": [
            {
                "id": axis.pk,
                "title": "Formations",
                "description": "Rénover les formations du travail social.",
                "order": axis.order,
                "progress": 70.0,
                "measure_count": 2,
            }
        ],
    }


def test_measure_list_item_names_its_origins_and_no_personal_data(client):
    proposal = ForwardedProposalFactory(territory=territory("grand-sud"), theme_id="T2")
    measure = MeasureFactory(proposals=[proposal], title="Socle commun", in_progress=True)
    IndicatorFactory(measure=measure, label="Diplômes")

    data = client.get(reverse("api-action-plan-measures")).json()

    assert data["count"] == 1
    item = data["results"][0]
    assert (item["id"], item["title"], item["status"], item["progress"]) == (
        measure.pk,
        "Socle commun",
        "in_progress",
        40,
    )
    assert item["territories"] == ["grand-sud"]
    assert item["themes"] == ["T2"]
    assert item["proposals"] == [
        {"id": proposal.pk, "title": proposal.title, "territory": "grand-sud", "theme": "T2"}
    ]
    assert [i["label"] for i in item["indicators"]] == ["Diplômes"]
    assert "created_by" not in item


def test_measure_list_filters(client):
    south = ForwardedProposalFactory(territory=territory("grand-sud"))
    west = ForwardedProposalFactory(territory=territory("sud-ouest"))
    first = MeasureFactory(proposals=[south], in_progress=True)
    MeasureFactory(proposals=[west])

    by_territory = client.get(reverse("api-action-plan-measures"), {"territory": "grand-sud"})
    by_status = client.get(reverse("api-action-plan-measures"), {"status": "planned"})

    assert [m["id"] for m in by_territory.json()["results"]] == [first.pk]
    assert by_status.json()["count"] == 1
    assert by_status.json()["results"][0]["id"] != first.pk


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"territory": "atlantide"}, "territory"),
        ({"theme": "T9"}, "theme"),
        ({"axis": "abc"}, "axis"),
        ({"axis": "\x00"}, "axis"),
        ({"axis": "9" * 30}, "axis"),
    ],
)
def test_bad_filters_are_400_with_the_field(client, params, field):
    response = client.get(reverse("api-action-plan-measures"), params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_measure_detail_with_history(client):
    measure = MeasureFactory(in_progress=True)
    indicator = IndicatorFactory(measure=measure)
    update = ProgressUpdateFactory(measure=measure)
    update.values.create(indicator=indicator, value=5)

    data = client.get(reverse("api-action-plan-measure-detail", args=[measure.pk])).json()

    assert data["updates"] == [
        {
            "id": update.pk,
            "measure": measure.pk,
            "local_action": None,
            "date": "2015-03-01",
            "status": "in_progress",
            "previous_status": "planned",
            "progress": 40,
            "text": "Le référentiel est rédigé.",
            "values": [{"indicator": indicator.pk, "value": "5.00"}],
        }
    ]


@pytest.mark.parametrize("pk", ["999999", "abc", "1.5", "٣"])
def test_unknown_measure_is_a_json_404(client, pk):
    response = client.get(reverse("api-action-plan-measure-detail", args=[pk]))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_list_filters_are_documented_in_the_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    def names(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}

    assert {"axis", "status", "territory", "theme"} <= names("/api/v1/action-plan/measures/")
    assert {"status", "territory"} <= names("/api/v1/action-plan/local-actions/")


@pytest.mark.parametrize(
    ("params", "field"), [({"status": "fini"}, "status"), ({"territory": "x"}, "territory")]
)
def test_local_action_bad_filters_are_400_with_the_field(client, params, field):
    response = client.get(reverse("api-action-plan-local-actions"), params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_local_actions_by_territory(client):
    action = LocalActionFactory()
    LocalActionFactory(territory=territory("sud-ouest"))

    data = client.get(reverse("api-action-plan-local-actions"), {"territory": "grand-sud"}).json()

    assert [(a["id"], a["territory"]) for a in data["results"]] == [(action.pk, "grand-sud")]


def test_updates_feed_lists_only_measure_updates(client):
    update = ProgressUpdateFactory()

    data = client.get(reverse("api-action-plan-updates")).json()

    assert [u["id"] for u in data["results"]] == [update.pk]


@pytest.mark.parametrize("rows", [1, 50])
def test_measure_list_query_count_is_constant(client, django_assert_num_queries, rows):
    axis = AxisFactory()
    for index in range(rows):
        proposal = ForwardedProposalFactory(
            territory=territory("grand-sud" if index % 2 else "sud-ouest")
        )
        IndicatorFactory(measure=MeasureFactory(axis=axis, proposals=[proposal]))

    # count, page, proposals, indicators
    with django_assert_num_queries(5):  # + the planner's estimate (egts/pagination.py)
        response = client.get(reverse("api-action-plan-measures"), {"page_size": 100})

    assert response.json()["count"] == rows


def test_schema_documents_the_action_plan_endpoints(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    assert {
        "/api/v1/action-plan/",
        "/api/v1/action-plan/measures/",
        "/api/v1/action-plan/measures/{id}/",
        "/api/v1/action-plan/updates/",
        "/api/v1/action-plan/local-actions/",
    } <= set(schema["paths"])
