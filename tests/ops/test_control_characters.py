"""Control characters (NUL and the other invisible ones) are refused in every input.

PostgreSQL refuses NUL in text, and was answering 500. Now: a 404 for a path, a 400 for a
query string, a 400 naming the field for an API body, an error on the field of a form that
is shown again with what was typed. Tab, line feed and carriage return stay allowed in free
text. The tests run on the project's database (PostgreSQL in CI), where NUL used to fail.
"""

import importlib.util

import pytest
from django import forms as django_forms
from django.urls import reverse
from rest_framework.test import APIClient

from contributions.models import Contribution, Response
from egts.input import CheckedInputMixin
from practices.models import Practice
from tests.factories.contributions import build_questionnaire
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("egts", "contributions", "practices", "assises", "actionplan", "documents")

NUL_MESSAGE = (
    "Ce texte contient un caractère de contrôle invisible (U+0000) : "
    "retirez-le, puis envoyez de nouveau."
)


def message(code: int) -> str:
    return NUL_MESSAGE.replace("U+0000", f"U+{code:04X}")


@pytest.fixture
def api():
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory())
    return client


def practice_payload(**overrides):
    payload = {
        "title": "Un groupe de parole des aidants",
        "summary": "Un groupe mensuel pour les aidants familiaux.",
        "context": "Des aidants épuisés.",
        "people_concerned": "Aidants familiaux.",
        "actors": "CLIC, hôpital de jour.",
        "implementation": "Une rencontre par mois.",
        "results": "Quinze aidants réguliers.",
        "transfer_conditions": "Une salle et une animatrice.",
        "organisation": "CLIC du Pays d'Aix",
        "department": "13",
        "themes": ["T2"],
    }
    payload.update(overrides)
    return payload


# --- API bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("themes", ["T\x001"]), ("department", "1\x003"), ("title", "Un groupe\x00 de parole")],
)
def test_api_refuses_nul_in_a_code_or_a_text_with_a_400_naming_the_field(api, field, value):
    response = api.post("/api/v1/practices/", practice_payload(**{field: value}), format="json")

    assert response.status_code == 400
    assert response.json() == {field: [NUL_MESSAGE]}
    assert not Practice.objects.exists()


@pytest.mark.parametrize("character", ["\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85"])
def test_api_refuses_the_other_control_characters(api, character):
    response = api.post(
        "/api/v1/practices/", practice_payload(summary=f"Un{character} groupe"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"summary": [message(ord(character))]}


def test_api_keeps_tabs_and_line_breaks_in_free_text(api):
    text = "Première ligne.\r\n\tDeuxième ligne, indentée.\nTroisième."

    response = api.post("/api/v1/practices/", practice_payload(context=text), format="json")

    assert response.status_code == 201
    assert Practice.objects.get().context == text


def test_api_refuses_a_control_character_deep_in_a_questionnaire_answer():
    questionnaire = build_questionnaire(slug="attentes")
    text_question = questionnaire.questions.get(label="Pourquoi ?")
    client = APIClient(raise_request_exception=False)

    response = client.post(
        "/api/v1/questionnaires/attentes/responses/",
        {
            "actor_category": "usagers",
            "answers": [{"question": text_question.id, "text": "Parce\x00 que."}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"answers": [NUL_MESSAGE]}
    assert not Response.objects.exists()


def test_api_refuses_a_control_character_in_a_field_name(api):
    response = api.post(
        "/api/v1/contributions/", {"ti\x00tle": "x", "kind": "proposal"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [NUL_MESSAGE]}


def test_api_refuses_a_control_character_in_a_form_encoded_body(api):
    response = api.post("/api/v1/contributions/", {"title": "Un\x07 titre", "kind": "proposal"})

    assert response.status_code == 400
    assert response.json() == {"title": [message(7)]}
    assert not Contribution.objects.exists()


# --- Query strings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/departments/?region=%00", "region"),
        ("/api/v1/contributions/?q=logement%00", "q"),
        ("/api/v1/practices/?territory=grand%00sud", "territory"),
        ("/api/v1/documents/?theme=T1&kind=%00", "kind"),
        ("/api/v1/questionnaires/?page=1%00", "page"),
    ],
)
def test_api_refuses_nul_in_a_query_parameter_with_a_400_naming_it(client, url, parameter):
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code == 400
    assert response.json() == {parameter: [NUL_MESSAGE]}


def test_a_query_parameter_may_hold_a_tab_or_a_line_break(client):
    response = client.get("/api/v1/contributions/", {"q": "logement\t\r\nsocial"})

    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/pratiques/?q=%00", "/contributions/?q=a%1Fb", "/?x=%7F"])
def test_site_refuses_a_control_character_in_the_query_string_with_its_400_page(client, url):
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code == 400
    assert "errors/400.html" in [t.name for t in response.templates]


# --- Paths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/territories/%00/",
        "/api/v1/contributions/%01/",
        "/api/v1/questionnaires/a%00b/results/",
        "/api/v1/syntheses/%0A/",
    ],
)
def test_api_answers_its_json_404_for_a_control_character_in_the_path(client, url):
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == client.get("/api/v1/territories/inconnu/").json()


@pytest.mark.parametrize("url", ["/territoires/%00/", "/documentation/%00/", "/static/%00.css"])
def test_site_answers_its_404_page_for_a_control_character_in_the_path(client, url):
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]


# --- Forms -------------------------------------------------------------------------------


def contribution_form(**overrides):
    data = {
        "kind": "observation",
        "title": "Des places qui manquent",
        "body": "Les places d'hébergement pour les familles manquent dès l'automne.",
        "themes": ["T1"],
        "department": "13",
        "actor_category": "benevoles",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("department", "1\x003", 0), ("themes", ["T\x001"], 0), ("title", "Des\x01 places", 1)],
)
def test_form_shows_the_error_on_the_field_and_keeps_what_was_typed(client, field, value, code):
    client.force_login(UserFactory())

    response = client.post(
        reverse("contributions:submit"), contribution_form(**{field: value}), follow=False
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {field: [message(code)]}
    assert "Les places d&#x27;hébergement pour les familles manquent" in response.content.decode()
    assert not Contribution.objects.exists()


def test_form_keeps_tabs_and_line_breaks_in_free_text(client):
    client.force_login(UserFactory())
    body = "Les places manquent.\r\n\tDès l'automne, les familles attendent."

    response = client.post(reverse("contributions:submit"), contribution_form(body=body))

    assert response.status_code == 302
    assert Contribution.objects.get().body == body


def test_practice_step_form_refuses_a_control_character(client):
    client.force_login(UserFactory())

    response = client.post(
        reverse("practices:submit"),
        {"title": "Groupe de parole", "summary": "Un\x00 groupe", "themes": ["T2"]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"summary": [NUL_MESSAGE]}
    assert not Practice.objects.exists()


def test_questionnaire_step_refuses_a_control_character_in_a_text_answer(client):
    questionnaire = build_questionnaire(slug="attentes")
    by_label = {q.label: q for q in questionnaire.questions.all()}
    single, scale = by_label["Êtes-vous d'accord ?"], by_label["Votre note ?"]
    url = "/questionnaires/attentes/repondre/"
    client.post(url, {"etape": 0, "actor_category": "usagers"})
    client.post(
        url,
        {
            "etape": 1,
            f"question_{single.id}": single.choices.get(label="Oui").id,
            f"question_{scale.id}": 3,
        },
    )

    response = client.post(url, {"etape": 2, f"question_{by_label['Pourquoi ?'].id}": "Car\x0c."})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"question_{by_label['Pourquoi ?'].id}": [message(12)]
    }
    assert not Response.objects.exists()


def test_every_form_of_the_platform_checks_its_input():
    """A new form must inherit egts.forms.BaseForm (or CheckedInputMixin) to be covered."""
    for app in PROJECT_APPS:
        for module in ("forms", "admin", "views"):
            if importlib.util.find_spec(f"{app}.{module}"):
                importlib.import_module(f"{app}.{module}")

    def every_subclass(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from every_subclass(sub)

    project_forms = {
        form
        for form in every_subclass(django_forms.BaseForm)
        if form.__module__.split(".")[0] in PROJECT_APPS and not form.__name__.endswith("Mixin")
    }
    unchecked = sorted(
        f"{form.__module__}.{form.__qualname__}"
        for form in project_forms
        if not issubclass(form, CheckedInputMixin)
    )
    assert len(project_forms) > 30
    assert unchecked == []
