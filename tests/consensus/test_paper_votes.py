"""POST /api/v1/assises/{slug}/paper-votes/: JSON or CSV, every line checked, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consensus.models import PaperTally, StatementResult
from consensus.results import results_compute
from tests.factories.consensus import PaperTallyFactory, StatementFactory, territory

pytestmark = pytest.mark.django_db

URL = "/api/v1/assises/grand-sud/paper-votes/"


def line(statement, **overrides):
    return {
        "statement": statement.pk,
        "actor_category": "usagers",
        "agree": 12,
        "disagree": 3,
        "pass": 1,
        "held_on": "2014-03-20",
        **overrides,
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("participant", 403),
        ("copil_other", 403),
        ("copil_member", 201),
        ("copil_lead", 201),
        ("national", 403),  # the contract: the COPIL of that territory
    ],
)
def test_paper_votes_role_matrix(api_as, who, expected):
    statement = StatementFactory(published=True)
    response = api_as(who).post(URL, line(statement), format="json")
    assert response.status_code == expected
    if expected == 201:
        assert response.json() == {"saved": 1}
        tally = PaperTally.objects.get()
        assert (tally.agree, tally.disagree, tally.passed, tally.territory.slug) == (
            12,
            3,
            1,
            "grand-sud",
        )
    else:
        assert PaperTally.objects.count() == 0


def test_a_copil_cannot_enter_votes_for_another_territorys_assise(api_as):
    statement = StatementFactory(published=True, territory=territory("grand-nord"))
    client = api_as("copil_member")  # Grand Sud
    response = client.post("/api/v1/assises/grand-nord/paper-votes/", line(statement), "json")
    assert response.status_code == 403
    # Nor count Grand Nord's statement at its own assise.
    response = client.post(URL, line(statement), format="json")
    assert response.status_code == 400
    assert PaperTally.objects.count() == 0


def test_unknown_assise_is_404(api_as):
    response = api_as("copil_member").post(
        "/api/v1/assises/atlantide/paper-votes/", {}, format="json"
    )
    assert response.status_code == 404


def test_a_list_of_lines_is_saved_whole_and_national_statements_count(api_as):
    south = StatementFactory(published=True)
    national = StatementFactory(published=True, national=True)
    lines = [line(south), line(south, actor_category="elus"), line(national)]
    response = api_as("copil_member").post(URL, lines, format="json")
    assert response.status_code == 201
    assert response.json() == {"saved": 3}


def test_faulty_lines_are_named_and_nothing_is_saved(api_as):
    statement = StatementFactory(published=True)
    pending = StatementFactory()
    lines = [
        line(statement),
        line(statement, actor_category="martiens", agree=-1),
        line(pending, actor_category="elus"),
        line(statement, held_on="20/03/2014", actor_category="benevoles"),
        line(statement, disagree="beaucoup", actor_category="formation"),
        line(statement),  # repeats line 1
    ]
    response = api_as("copil_member").post(URL, lines, format="json")
    assert response.status_code == 400
    faulty = {item["line"]: sorted(item["errors"]) for item in response.json()["lines"]}
    assert faulty == {
        2: ["actor_category", "agree"],
        3: ["statement"],
        4: ["held_on"],
        5: ["disagree"],
        6: ["statement"],
    }
    assert PaperTally.objects.count() == 0


def test_a_line_entered_again_replaces_the_earlier_count(api_as):
    statement = StatementFactory(published=True)
    client = api_as("copil_member")
    client.post(URL, line(statement), format="json")
    client.post(URL, line(statement, agree=20), format="json")
    assert list(PaperTally.objects.values_list("agree", flat=True)) == [20]


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("votes.csv", text.encode("utf-8"), content_type="text/csv")


def test_csv_import_with_semicolons_and_a_bom(api_as):
    statement = StatementFactory(published=True)
    text = (
        "\ufeffstatement;actor_category;agree;disagree;pass;held_on\n"
        f"{statement.pk};usagers;7;2;0;2014-03-20\n"
        f"{statement.pk};elus;5;5;1;2014-03-20\n"
    )
    response = api_as("copil_member").post(URL, {"file": csv_file(text)}, format="multipart")
    assert response.status_code == 201
    assert response.json() == {"saved": 2}


@pytest.mark.parametrize(
    ("text", "line_number"),
    [
        ("statement,actor_category,agree\n1,elus,3\n", 1),  # missing columns
        ("statement,actor_category,agree,disagree,pass,held_on\n", 0),  # no line
        ("statement,actor_category,agree,disagree,pass,held_on\nx,elus,1,1,1,2014-01-01\n", 1),
    ],
)
def test_bad_csv_answers_400_with_its_line(api_as, text, line_number):
    response = api_as("copil_member").post(URL, {"file": csv_file(text)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["lines"][0]["line"] == line_number
    assert PaperTally.objects.count() == 0


def test_a_csv_not_in_utf8_is_refused(api_as):
    upload = SimpleUploadedFile("votes.csv", "é;à".encode("latin-1"), content_type="text/csv")
    response = api_as("copil_member").post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["lines"][0]["errors"]


@pytest.mark.parametrize("body", ["texte", 42, [1, 2]])
def test_a_body_that_is_not_lines_is_400(api_as, body):
    response = api_as("copil_member").post(URL, body, format="json")
    assert response.status_code == 400


def test_paper_tallies_count_in_results_marked_as_paper():
    statement = StatementFactory(published=True)
    PaperTallyFactory(statement=statement, agree=30, disagree=0, passed=0)
    results_compute(territory=territory())
    result = StatementResult.objects.get()
    assert (result.agree, result.paper_votes, result.computation.scope) == (30, 30, "grand-sud")
