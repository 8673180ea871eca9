"""The reference endpoints of API.md: exact contents, stable codes, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from egts.models import Department, Region, Stage

pytestmark = pytest.mark.django_db

TERRITORY_FIELDS = {
    "slug",
    "name",
    "wave",
    "overseas",
    "regions",
    "theme",
    "policy",
    "place",
    "assises_date",
}


@pytest.fixture
def api():
    return APIClient()


def test_territories_lists_the_nine_territories_with_regions_theme_and_policy(api):
    response = api.get("/api/v1/territories/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    # Not paginated: a plain list, in the démarche's order.
    assert [t["slug"] for t in data] == [
        "grand-sud",
        "rhone-alpes-auvergne",
        "bretagne-pays-de-la-loire",
        "ile-de-france-centre",
        "sud-ouest",
        "grand-nord",
        "grand-est",
        "antilles-guyane",
        "reunion-mayotte",
    ]
    assert all(set(t) == TERRITORY_FIELDS for t in data)
    grand_sud = data[0]
    assert {k: grand_sud[k] for k in ("slug", "name", "wave", "overseas")} == {
        "slug": "grand-sud",
        "name": "Grand Sud",
        "wave": "pilot",
        "overseas": False,
    }
    assert grand_sud["regions"] == [
        {"code": "91", "name": "Languedoc-Roussillon"},
        {"code": "93", "name": "Provence-Alpes-Côte d'Azur"},
        {"code": "94", "name": "Corse"},
    ]
    assert grand_sud["theme"] == {"code": "T1", "label": "Place des usagers"}
    assert grand_sud["policy"] == {"code": "P2", "label": "Hébergement / logement"}
    assert [t["slug"] for t in data if t["overseas"]] == ["antilles-guyane", "reunion-mayotte"]
    assert [t["slug"] for t in data if t["wave"] == "pilot"] == [
        "grand-sud",
        "rhone-alpes-auvergne",
        "bretagne-pays-de-la-loire",
    ]
    assert sum(len(t["regions"]) for t in data) == 27
    reunion_mayotte = data[-1]
    assert reunion_mayotte["regions"] == [
        {"code": "04", "name": "La Réunion"},
        {"code": "06", "name": "Mayotte"},
    ]


def test_territories_list_costs_the_same_queries_whatever_the_number_of_regions(api):
    with CaptureQueriesContext(connection) as before:
        api.get("/api/v1/territories/")
    # Move every region into one territory: the query count must not change.
    Region.objects.update(territory_id=Region.objects.get(code="93").territory_id)
    with CaptureQueriesContext(connection) as after:
        response = api.get("/api/v1/territories/")

    assert len(response.json()[0]["regions"]) == 27
    assert len(before.captured_queries) == len(after.captured_queries) == 2


def test_territory_detail_adds_its_departments_in_code_order(api):
    response = api.get("/api/v1/territories/grand-sud/")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == TERRITORY_FIELDS | {"departments"}
    assert data["slug"] == "grand-sud"
    assert data["departments"] == [
        {"code": "04", "name": "Alpes-de-Haute-Provence"},
        {"code": "05", "name": "Hautes-Alpes"},
        {"code": "06", "name": "Alpes-Maritimes"},
        {"code": "11", "name": "Aude"},
        {"code": "13", "name": "Bouches-du-Rhône"},
        {"code": "2A", "name": "Corse-du-Sud"},
        {"code": "2B", "name": "Haute-Corse"},
        {"code": "30", "name": "Gard"},
        {"code": "34", "name": "Hérault"},
        {"code": "48", "name": "Lozère"},
        {"code": "66", "name": "Pyrénées-Orientales"},
        {"code": "83", "name": "Var"},
        {"code": "84", "name": "Vaucluse"},
    ]


def test_territory_detail_costs_the_same_queries_for_a_small_and_a_large_territory(api):
    with CaptureQueriesContext(connection) as small:
        api.get("/api/v1/territories/reunion-mayotte/")
    with CaptureQueriesContext(connection) as large:
        api.get("/api/v1/territories/grand-est/")

    assert len(small.captured_queries) == len(large.captured_queries) == 3


def test_unknown_territory_is_404_in_json(api):
    response = api.get("/api/v1/territories/atlantide/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Non trouvé."}


def test_themes_are_the_six_transverse_themes(api):
    response = api.get("/api/v1/themes/")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "T1", "label": "Place des usagers"},
        {
            "code": "T2",
            "label": "Place des travailleurs sociaux par rapport aux autres intervenants sociaux",
        },
        {"code": "T3", "label": "Management, organisation du travail et risques psychosociaux"},
        {"code": "T4", "label": "Organisation et coordination interinstitutionnelle"},
        {"code": "T5", "label": "Formation initiale et continue"},
        {"code": "T6", "label": "Développement social local / intervention collective"},
    ]


def test_policies_are_the_five_social_policies(api):
    response = api.get("/api/v1/policies/")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "P1", "label": "Exclusion, pauvreté, accès aux droits, insertion professionnelle"},
        {"code": "P2", "label": "Hébergement / logement"},
        {"code": "P3", "label": "Protection de l'enfance et familles vulnérables"},
        {"code": "P4", "label": "Personnes âgées"},
        {"code": "P5", "label": "Personnes handicapées"},
    ]


def test_actor_categories_are_the_eight_categories_in_french(api):
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/actor-categories/")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "elus", "label": "Élus locaux"},
        {"code": "professionnels", "label": "Professionnels de terrain"},
        {
            "code": "employeurs",
            "label": "Représentants des employeurs des travailleurs sociaux",
        },
        {
            "code": "formation",
            "label": "Représentants des établissements de formation en travail social",
        },
        {
            "code": "encadrement",
            "label": "Représentants de l'encadrement des travailleurs sociaux",
        },
        {
            "code": "autres-professionnels",
            "label": "Autres professionnels en lien avec les travailleurs sociaux",
        },
        {"code": "benevoles", "label": "Bénévoles"},
        {"code": "usagers", "label": "Personnes concernées / usagers"},
    ]
    assert len(queries.captured_queries) == 0


def test_departments_lists_all_101_with_region_and_territory(api):
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/departments/")

    assert response.status_code == 200
    data = response.json()
    assert len(data) == 101
    assert len(queries.captured_queries) == 1
    assert data[0] == {
        "code": "01",
        "name": "Ain",
        "region": "82",
        "territory": "rhone-alpes-auvergne",
    }
    by_code = {d["code"]: d for d in data}
    assert by_code["2A"] == {
        "code": "2A",
        "name": "Corse-du-Sud",
        "region": "94",
        "territory": "grand-sud",
    }
    assert by_code["976"] == {
        "code": "976",
        "name": "Mayotte",
        "region": "06",
        "territory": "reunion-mayotte",
    }
    assert [d["code"] for d in data] == sorted(by_code)


def test_departments_filtered_by_region(api):
    response = api.get("/api/v1/departments/", {"region": "93"})

    assert response.status_code == 200
    assert response.json() == [
        {"code": code, "name": name, "region": "93", "territory": "grand-sud"}
        for code, name in [
            ("04", "Alpes-de-Haute-Provence"),
            ("05", "Hautes-Alpes"),
            ("06", "Alpes-Maritimes"),
            ("13", "Bouches-du-Rhône"),
            ("83", "Var"),
            ("84", "Vaucluse"),
        ]
    ]


def test_departments_with_an_unknown_region_is_a_400_in_french(api):
    response = api.get("/api/v1/departments/", {"region": "99"})

    assert response.status_code == 400
    assert response.json() == {"region": ["Région inconnue : « 99 »."]}


def test_departments_with_an_empty_region_filter_lists_every_department(api):
    response = api.get("/api/v1/departments/", {"region": ""})

    assert response.status_code == 200
    assert len(response.json()) == Department.objects.count() == 101


def test_stages_in_order_with_the_current_one_flagged(api):
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/stages/")

    assert response.status_code == 200
    data = response.json()
    assert len(queries.captured_queries) == 1
    assert [{k: s[k] for k in ("code", "label", "starts", "ends", "current")} for s in data] == [
        {
            "code": "etat-des-lieux",
            "label": "État des lieux",
            "starts": None,
            "ends": "2013-08-31",
            "current": False,
        },
        {
            "code": "territoires-pilotes",
            "label": "3 territoires pilotes",
            "starts": "2013-09-01",
            "ends": "2013-12-31",
            "current": False,
        },
        {
            "code": "assises-territoriales",
            "label": "6 assises territoriales",
            "starts": "2014-01-01",
            "ends": "2014-04-30",
            "current": False,
        },
        {
            "code": "egts",
            "label": "États généraux du travail social",
            "starts": "2014-06-01",
            "ends": "2014-06-30",
            "current": False,
        },
        {
            "code": "suivi",
            "label": "Poursuite des travaux en mode pérenne",
            "starts": "2014-07-01",
            "ends": None,
            "current": True,
        },
    ]


def test_current_stage_is_the_last_one_that_has_started(api):
    # Push the follow-up into the future: the national EGTS become the present.
    Stage.objects.filter(code="suivi").update(starts="2999-01-01")

    data = api.get("/api/v1/stages/").json()

    assert [s["code"] for s in data if s["current"]] == ["egts"]


def test_reference_endpoints_are_read_only(api):
    for path in (
        "/api/v1/territories/",
        "/api/v1/territories/grand-sud/",
        "/api/v1/themes/",
        "/api/v1/policies/",
        "/api/v1/actor-categories/",
        "/api/v1/departments/",
        "/api/v1/stages/",
    ):
        response = api.post(path, {}, format="json")
        assert response.status_code == 405, path
        assert response.json() == {"detail": "Méthode «\xa0POST\xa0» non autorisée."}, path


def test_openapi_schema_is_served_and_describes_the_reference_endpoints(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "API des États généraux du travail social"
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/territories/",
        "/api/v1/territories/{slug}/",
        "/api/v1/themes/",
        "/api/v1/policies/",
        "/api/v1/actor-categories/",
        "/api/v1/departments/",
        "/api/v1/stages/",
    ):
        assert path in schema["paths"], path
    region = schema["paths"]["/api/v1/departments/"]["get"]["parameters"]
    assert [p["name"] for p in region] == ["region"]


def test_api_docs_are_served_with_self_hosted_assets(api):
    response = api.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    # drf-spectacular-sidecar: Swagger UI from our static files, never from a CDN.
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html
    assert "/api/v1/schema/" in html


def test_unreachable_database_answers_a_json_503_not_a_500(api, monkeypatch):
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = api.get("/api/v1/themes/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "Service momentanément indisponible : réessayez dans quelques instants."
    }


def test_malformed_territory_slug_is_a_json_404_too(api):
    response = api.get("/api/v1/territories/%C3%A9t%C3%A9%20!/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Non trouvé."}
