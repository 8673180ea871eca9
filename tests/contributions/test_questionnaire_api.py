"""API: questionnaires, responses and results."""

import pytest
from rest_framework.test import APIClient

from contributions.models import Answer, QuestionKind, Response
from tests.factories.contributions import (
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    build_questionnaire,
    department,
)
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def questionnaire():
    return build_questionnaire(slug="attentes")


def questions(questionnaire):
    by_label = {q.label: q for q in questionnaire.questions.all()}
    return (
        by_label["Êtes-vous d'accord ?"],
        by_label["Votre note ?"],
        by_label["Quels leviers ?"],
        by_label["Pourquoi ?"],
    )


def full_answers(questionnaire, *, agree="Oui"):
    single, scale, multiple, text = questions(questionnaire)
    answers = [
        {"question": single.id, "choice": single.choices.get(label=agree).id},
        {"question": scale.id, "value": 4},
        {"question": multiple.id, "choices": [c.id for c in multiple.choices.all()[:2]]},
    ]
    if agree == "Oui":
        answers.append({"question": text.id, "text": "Parce que."})
    return answers


def post(client, questionnaire, answers, **fields):
    payload = {"actor_category": "usagers", "department": "13", "answers": answers, **fields}
    return client.post(
        f"/api/v1/questionnaires/{questionnaire.slug}/responses/", payload, format="json"
    )


def test_list_shows_open_questionnaires_only(client, questionnaire):
    QuestionnaireFactory(closed=True)
    data = client.get("/api/v1/questionnaires/").json()
    assert [item["slug"] for item in data["results"]] == ["attentes"]
    assert set(data["results"][0]) >= {"slug", "title", "opens_at", "closes_at"}


def test_detail_lists_questions_with_choices_and_scale(client, questionnaire):
    data = client.get("/api/v1/questionnaires/attentes/").json()
    assert [q["kind"] for q in data["questions"]] == ["single", "scale", "multiple", "text"]
    single = data["questions"][0]
    assert [c["label"] for c in single["choices"]] == ["Oui", "Non", "Peut-être"]
    assert data["questions"][1]["scale_min"] == 1
    assert data["questions"][1]["scale_max"] == 5
    assert data["questions"][3]["condition"] == {"choice": single["choices"][0]["id"]}


def test_unknown_questionnaire_is_404(client):
    assert client.get("/api/v1/questionnaires/nope/").status_code == 404
    assert client.get("/api/v1/questionnaires/nope/results/").status_code == 404


def test_anonymous_response_is_recorded_with_its_answers(client, questionnaire):
    response = post(client, questionnaire, full_answers(questionnaire))
    assert response.status_code == 201
    stored = Response.objects.get()
    assert stored.user is None
    assert stored.territory.slug == "grand-sud"
    assert stored.actor_category == "usagers"
    # single 1 + scale 1 + two ticked choices + text 1
    assert Answer.objects.count() == 5


def test_conditional_question_answer_is_ignored_when_condition_not_met(client, questionnaire):
    single, _scale, _multiple, text = questions(questionnaire)
    answers = full_answers(questionnaire, agree="Non") + [{"question": text.id, "text": "Hors"}]
    assert post(client, questionnaire, answers).status_code == 201
    assert not Answer.objects.filter(question=text).exists()


def test_required_question_missing_is_400(client, questionnaire):
    single, *_ = questions(questionnaire)
    answers = [a for a in full_answers(questionnaire) if a["question"] != single.id]
    response = post(client, questionnaire, answers)
    assert response.status_code == 400
    assert response.json() == {"answers": ["La question « Êtes-vous d'accord ? » est obligatoire."]}
    assert Response.objects.count() == 0


def test_choice_from_another_question_is_400(client, questionnaire):
    single, _scale, multiple, _text = questions(questionnaire)
    answers = full_answers(questionnaire)
    answers[0] = {"question": single.id, "choice": multiple.choices.first().id}
    response = post(client, questionnaire, answers)
    assert response.status_code == 400
    assert response.json() == {
        "answers": ["« Êtes-vous d'accord ? » : ce choix n'appartient pas à cette question."]
    }
    assert Response.objects.count() == 0


def test_multiple_choice_from_another_question_is_400(client, questionnaire):
    single, _scale, multiple, _text = questions(questionnaire)
    answers = full_answers(questionnaire)
    answers[2] = {"question": multiple.id, "choices": [single.choices.first().id]}
    assert post(client, questionnaire, answers).status_code == 400


@pytest.mark.parametrize("value", [0, 6, -1, "abc", True, 2.5])
def test_scale_out_of_range_is_400(client, questionnaire, value):
    _single, scale, *_ = questions(questionnaire)
    answers = full_answers(questionnaire)
    answers[1] = {"question": scale.id, "value": value}
    response = post(client, questionnaire, answers)
    assert response.status_code == 400
    assert "answers" in response.json()
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "answers",
    [
        [{"question": 999999, "choice": 1}],
        [{"question": "x"}],
        ["not an object"],
        "not a list",
        [{"question": None}],
    ],
)
def test_malformed_answers_are_400(client, questionnaire, answers):
    response = post(client, questionnaire, answers)
    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_missing_actor_category_and_unknown_department_are_400(client, questionnaire):
    response = client.post(
        "/api/v1/questionnaires/attentes/responses/",
        {"department": "999", "answers": full_answers(questionnaire)},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"actor_category", "department"}


def test_closed_questionnaire_refuses_answers(client):
    closed = build_questionnaire(slug="clos", closed=True)
    response = post(client, closed, full_answers(closed))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Ce questionnaire est clos : il ne reçoit plus de réponse."]
    }
    assert Response.objects.count() == 0


def test_one_response_per_account(client, questionnaire):
    client.force_authenticate(UserFactory())
    assert post(client, questionnaire, full_answers(questionnaire)).status_code == 201
    # Other answers: the same ones sent again are the same response (double-click protection).
    response = post(client, questionnaire, full_answers(questionnaire, agree="Non"))
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Vous avez déjà répondu à ce questionnaire."]}
    assert Response.objects.count() == 1


def test_anonymous_responses_are_rate_limited(client, questionnaire, settings, throttle_rates):
    throttle_rates(questionnaire_response="2/hour")
    # Different answers: the same response sent again is counted once, not twice.
    for agree in ("Oui", "Non"):
        response = post(client, questionnaire, full_answers(questionnaire, agree=agree))
        assert response.status_code == 201
    response = post(client, questionnaire, full_answers(questionnaire))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Response.objects.count() == 2


def test_over_limit_body_is_413(client, questionnaire):
    response = client.post(
        "/api/v1/questionnaires/attentes/responses/",
        '{"answers": [' + ",".join(['{"question": 1}'] * 30_000) + "]}",
        content_type="application/json",
    )
    assert response.status_code == 413


# --- Results ----------------------------------------------------------------------------


def answer_many(questionnaire, count, *, dept="13", category="usagers", agree="Oui", value=4):
    single, scale, multiple, text = questions(questionnaire)
    for _ in range(count):
        response = ResponseFactory(
            questionnaire=questionnaire, department=department(dept), actor_category=category
        )
        Answer.objects.create(
            response=response, question=single, choice=single.choices.get(label=agree)
        )
        Answer.objects.create(response=response, question=scale, value=value)
        for choice in multiple.choices.all()[:2]:
            Answer.objects.create(response=response, question=multiple, choice=choice)
        Answer.objects.create(response=response, question=text, text="Un avis.")


def test_results_count_choices_scale_and_texts(client, questionnaire):
    answer_many(questionnaire, 5, value=4)
    answer_many(questionnaire, 6, value=1, agree="Non", dept="59")
    data = client.get("/api/v1/questionnaires/attentes/results/").json()
    assert data["responses"] == 11
    assert data["suppression_threshold"] == 5
    single, scale, multiple, text = data["questions"]
    assert [(c["label"], c["count"]) for c in single["choices"]] == [
        ("Oui", 5),
        ("Non", 6),
        ("Peut-être", None),
    ]
    assert single["answers"] == 11
    assert scale["scale"]["distribution"] == [
        {"value": 1, "count": 6},
        {"value": 2, "count": None},
        {"value": 3, "count": None},
        {"value": 4, "count": 5},
        {"value": 5, "count": None},
    ]
    assert scale["scale"]["mean"] == round((6 * 1 + 5 * 4) / 11, 2)
    assert multiple["answers"] == 11
    assert [c["count"] for c in multiple["choices"]] == [11, 11, None]
    assert text["text_answers"] == 11


@pytest.mark.parametrize("count", [1, 2, 4])
def test_unfiltered_results_suppress_counts_under_five(client, questionnaire, count):
    """The very first answers of a questionnaire would be read one by one otherwise."""
    answer_many(questionnaire, count)
    data = client.get("/api/v1/questionnaires/attentes/results/").json()
    assert data["responses"] is None
    single, scale, multiple, text = data["questions"]
    assert single["answers"] is None
    assert [c["count"] for c in single["choices"]] == [None, None, None]
    assert [d["count"] for d in scale["scale"]["distribution"]] == [None] * 5
    assert scale["scale"]["mean"] is None
    assert [c["count"] for c in multiple["choices"]] == [None, None, None]
    assert text["text_answers"] is None


def test_narrowed_results_suppress_counts_under_five(client, questionnaire):
    answer_many(questionnaire, 6, dept="13", value=5)
    answer_many(questionnaire, 2, dept="59", value=2, category="elus")
    data = client.get("/api/v1/questionnaires/attentes/results/", {"territory": "grand-sud"}).json()
    assert data["responses"] == 6
    assert data["suppression_threshold"] == 5
    single = data["questions"][0]
    assert [c["count"] for c in single["choices"]] == [6, None, None]
    assert data["questions"][1]["scale"]["mean"] == 5.0

    small = client.get(
        "/api/v1/questionnaires/attentes/results/", {"actor_category": "elus"}
    ).json()
    assert small["responses"] is None
    assert small["questions"][1]["scale"]["mean"] is None
    assert small["questions"][3]["text_answers"] is None


@pytest.mark.parametrize("params", [{"territory": "atlantide"}, {"actor_category": "martiens"}])
def test_results_with_unknown_filter_are_400(client, questionnaire, params):
    response = client.get("/api/v1/questionnaires/attentes/results/", params)
    assert response.status_code == 400
    assert list(response.json()) == list(params)


@pytest.mark.parametrize("rows", [5, 50])
def test_results_query_count_does_not_grow(client, questionnaire, rows, django_assert_num_queries):
    answer_many(questionnaire, rows)
    for extra in range(3):
        QuestionFactory(questionnaire=questionnaire, kind=QuestionKind.SCALE, order=10 + extra)
    with django_assert_num_queries(6):
        response = client.get("/api/v1/questionnaires/attentes/results/")
    assert response.json()["responses"] == rows


def test_nul_characters_in_answers_and_filters_are_400(client, questionnaire):
    _single, _scale, _multiple, text = questions(questionnaire)
    answers = full_answers(questionnaire)
    answers[3] = {"question": text.id, "text": "avec\x00nul"}
    assert post(client, questionnaire, answers).status_code == 400
    response = client.get("/api/v1/questionnaires/attentes/results/", {"territory": "a\x00"})
    assert response.status_code == 400
