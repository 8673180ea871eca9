"""HTML questionnaire: multi-step answer flow, closed questionnaires, results page."""

import html
import re

import pytest
from django.urls import reverse

from contributions.models import Answer, Response
from tests.factories.contributions import build_questionnaire, department
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def questionnaire():
    return build_questionnaire(slug="attentes")


def by_label(questionnaire):
    return {q.label: q for q in questionnaire.questions.all()}


URL = "/questionnaires/attentes/repondre/"


def step(client, index, data):
    return client.post(URL, {"etape": index, **data})


def test_urls_have_the_agreed_names(questionnaire):
    assert reverse("contributions:questionnaire-list") == "/questionnaires/"
    assert reverse("contributions:questionnaire-answer", kwargs={"slug": "attentes"}) == URL
    assert (
        reverse("contributions:questionnaire-results", kwargs={"slug": "attentes"})
        == "/questionnaires/attentes/resultats/"
    )


def test_list_page_shows_open_questionnaire(client, questionnaire):
    content = text(client.get("/questionnaires/"))
    assert questionnaire.title in content
    assert URL in content


def test_full_anonymous_journey_with_condition(client, questionnaire):
    questions = by_label(questionnaire)
    single, scale = questions["Êtes-vous d'accord ?"], questions["Votre note ?"]
    multiple, why = questions["Quels leviers ?"], questions["Pourquoi ?"]
    first = client.get(URL)
    assert "Étape 1 sur 3" in text(first)

    response = step(client, 0, {"actor_category": "usagers", "department": "13"})
    assert response["Location"] == f"{URL}?etape=1"
    response = step(
        client,
        1,
        {
            f"question_{single.id}": single.choices.get(label="Oui").id,
            f"question_{scale.id}": 3,
        },
    )
    assert response["Location"] == f"{URL}?etape=2"
    page = text(client.get(f"{URL}?etape=2"))
    assert "Pourquoi ?" in page  # the condition is met
    response = step(
        client,
        2,
        {
            f"question_{multiple.id}": [c.id for c in multiple.choices.all()[:2]],
            f"question_{why.id}": "Pour mieux travailler ensemble.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/questionnaires/attentes/resultats/"
    stored = Response.objects.get()
    assert stored.user is None
    assert stored.territory.slug == "grand-sud"
    assert Answer.objects.filter(response=stored).count() == 5
    assert Answer.objects.get(question=why).text == "Pour mieux travailler ensemble."


def test_conditional_question_hidden_when_condition_not_met(client, questionnaire):
    questions = by_label(questionnaire)
    single, scale = questions["Êtes-vous d'accord ?"], questions["Votre note ?"]
    step(client, 0, {"actor_category": "elus"})
    step(
        client,
        1,
        {f"question_{single.id}": single.choices.get(label="Non").id, f"question_{scale.id}": 2},
    )
    page = text(client.get(f"{URL}?etape=2"))
    assert "Quels leviers ?" in page
    assert "Pourquoi ?" not in page


def test_invalid_step_shows_errors_and_keeps_typed_answers(client, questionnaire):
    questions = by_label(questionnaire)
    single = questions["Êtes-vous d'accord ?"]
    step(client, 0, {"actor_category": "usagers"})
    yes = single.choices.get(label="Oui").id
    response = step(client, 1, {f"question_{single.id}": yes})  # the scale is missing
    assert response.status_code == 200
    content = text(response)
    assert "Cette question est obligatoire." in content
    checked = re.findall(r"<input[^>]*checked[^>]*>", content)
    assert len(checked) == 1
    assert f'value="{yes}"' in checked[0]
    assert Response.objects.count() == 0


def test_answers_are_kept_when_going_back(client, questionnaire):
    questions = by_label(questionnaire)
    single, scale = questions["Êtes-vous d'accord ?"], questions["Votre note ?"]
    step(client, 0, {"actor_category": "usagers", "department": "35"})
    step(
        client,
        1,
        {f"question_{single.id}": single.choices.get(label="Non").id, f"question_{scale.id}": 4},
    )
    first = client.get(f"{URL}?etape=0")
    assert 'value="35" selected' in text(first)
    back = client.get(f"{URL}?etape=1")
    form = back.context["form"]
    assert form.initial[f"question_{scale.id}"] == 4


def test_scale_out_of_range_and_foreign_choice_are_refused(client, questionnaire):
    questions = by_label(questionnaire)
    single, scale = questions["Êtes-vous d'accord ?"], questions["Votre note ?"]
    multiple = questions["Quels leviers ?"]
    step(client, 0, {"actor_category": "usagers"})
    response = step(
        client,
        1,
        {f"question_{single.id}": multiple.choices.first().id, f"question_{scale.id}": 9},
    )
    assert response.status_code == 200
    content = text(response)
    assert "Ce choix n'appartient pas à cette question." in content
    assert "La valeur doit être comprise entre 1 et 5." in content


def test_cannot_skip_steps(client, questionnaire):
    response = client.get(f"{URL}?etape=2")
    assert "Étape 1 sur 3" in text(response)


def test_respondent_step_requires_actor_category(client, questionnaire):
    response = step(client, 0, {"department": "13"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in text(response)
    assert 'value="13" selected' in text(response)


def test_closed_questionnaire_shows_clear_message_and_refuses(client):
    build_questionnaire(slug="clos", closed=True)
    page = client.get("/questionnaires/clos/repondre/")
    assert page.status_code == 200
    assert "Ce questionnaire est clos" in text(page)
    refused = client.post("/questionnaires/clos/repondre/", {"etape": 0, "actor_category": "elus"})
    assert refused.status_code == 400
    assert Response.objects.count() == 0


def test_signed_in_person_answers_once(client, questionnaire):
    from tests.factories.contributions import ResponseFactory

    user = UserFactory()
    ResponseFactory(questionnaire=questionnaire, user=user)
    client.force_login(user)
    assert "Vous avez déjà répondu" in text(client.get(URL))


def test_anonymous_rate_limit_on_the_last_step(client, questionnaire, settings, throttle_rates):
    throttle_rates(questionnaire_response="0/hour")
    questions = by_label(questionnaire)
    single, scale = questions["Êtes-vous d'accord ?"], questions["Votre note ?"]
    multiple = questions["Quels leviers ?"]
    step(client, 0, {"actor_category": "usagers"})
    step(
        client,
        1,
        {f"question_{single.id}": single.choices.get(label="Non").id, f"question_{scale.id}": 4},
    )
    response = step(client, 2, {f"question_{multiple.id}": [multiple.choices.first().id]})
    assert response.status_code == 429
    assert "Vous avez fait beaucoup d'envois en peu de temps" in text(response)
    assert Response.objects.count() == 0


# --- Results page -------------------------------------------------------------------------


def test_results_page_has_charts_with_text_alternative_and_tables(client, questionnaire):
    questions = by_label(questionnaire)
    single = questions["Êtes-vous d'accord ?"]
    for _ in range(6):
        response = Response.objects.create(
            questionnaire=questionnaire,
            actor_category="usagers",
            department=department("13"),
            territory=department("13").region.territory,
        )
        Answer.objects.create(response=response, question=single, choice=single.choices.first())
    page = client.get("/questionnaires/attentes/resultats/")
    content = text(page)
    assert page.status_code == 200
    assert 'role="img"' in content
    assert "Oui : 6; Non : < 5; Peut-être : < 5" in content
    assert "<table>" in content
    assert "les effectifs inférieurs à 5 sont masqués" in content
    narrowed = text(client.get("/questionnaires/attentes/resultats/", {"territory": "grand-nord"}))
    assert "Moins de 5 réponses pour cette sélection." in narrowed
    assert "les effectifs inférieurs à 5 sont masqués" in narrowed


def test_results_page_hides_counts_from_fewer_than_five_responses(client, questionnaire):
    single = by_label(questionnaire)["Êtes-vous d'accord ?"]
    for _ in range(2):
        response = Response.objects.create(questionnaire=questionnaire, actor_category="elus")
        Answer.objects.create(response=response, question=single, choice=single.choices.first())
    content = text(client.get("/questionnaires/attentes/resultats/"))
    assert "Moins de 5 réponses pour cette sélection." in content
    assert "Oui : < 5; Non : < 5; Peut-être : < 5" in content
    assert "Oui : 2" not in content


@pytest.mark.parametrize("rows", [1, 50])
def test_results_page_query_count(client, questionnaire, rows, django_assert_max_num_queries):
    single = by_label(questionnaire)["Êtes-vous d'accord ?"]
    for _ in range(rows):
        response = Response.objects.create(questionnaire=questionnaire, actor_category="elus")
        Answer.objects.create(response=response, question=single, choice=single.choices.first())
    with django_assert_max_num_queries(9):
        assert client.get("/questionnaires/attentes/resultats/").status_code == 200
