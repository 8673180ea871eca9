"""Long free-text fields state their limit and refuse a longer text; none is cut.

A ``maxlength`` attribute would make the browser drop whatever is pasted past the limit,
without a word. The textarea widget carries the limit in ``data-egts-max-length`` instead,
says it below the field, and the form answers a longer text with a message on that field.
"""

import re

import pytest
from django import forms as django_forms
from django.forms.renderers import TemplatesSetting
from rest_framework.test import APIClient

from contributions.models import Contribution
from egts.forms import RENDERER
from practices.models import Practice
from tests.factories.contributions import department
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db

PASTED = "Une phrase de vingt-huit car. " * 3_400  # about 100,000 characters
TEXTAREA = re.compile(r"<textarea[^>]*>", re.S)


def _textarea(html: str, name: str) -> str:
    return next(tag for tag in TEXTAREA.findall(html) if f'name="{name}"' in tag)


@pytest.mark.parametrize(
    "renderer",
    [RENDERER, TemplatesSetting()],
    ids=["forms-with-django-widgets", "default"],
)
def test_every_form_renderer_states_the_limit_instead_of_cutting(renderer):
    class Form(django_forms.Form):
        text = django_forms.CharField(max_length=2_500, widget=django_forms.Textarea)

    html = Form(renderer=renderer)["text"].as_widget()

    tag = _textarea(html, "text")
    assert "maxlength" not in tag
    assert 'data-egts-max-length="2500"' in tag
    assert 'aria-describedby="id_text-limit"' in tag
    assert re.search(r'id="id_text-limit">\s*<p class="fr-message">2\xa0500 caractères', html)


def test_a_textarea_without_limit_is_left_alone():
    class Form(django_forms.Form):
        text = django_forms.CharField(widget=django_forms.Textarea)

    html = Form(renderer=RENDERER)["text"].as_widget()

    assert "data-egts-max-length" not in html
    assert "caractères au maximum" not in html


def test_contribution_form_states_the_limit_and_links_it_to_the_field(client):
    client.force_login(UserFactory())

    html = client.get("/contributions/contribuer/").content.decode()

    tag = _textarea(html, "body")
    assert "maxlength" not in tag
    assert 'aria-describedby="id_body_helptext id_body-limit"' in tag
    assert "10\xa0000 caractères au maximum." in html


def test_practice_form_states_its_limits(client):
    client.force_login(UserFactory())

    html = client.get("/pratiques/proposer/").content.decode()

    assert "maxlength" not in _textarea(html, "summary")
    assert "600 caractères au maximum." in html


def test_pasting_too_much_is_refused_on_the_field_and_every_character_kept(client):
    client.force_login(UserFactory())

    response = client.post(
        "/contributions/contribuer/",
        {
            "kind": "proposal",
            "title": "Un référent de parcours unique",
            "body": PASTED,
            "themes": ["T1"],
            "department": "13",
            "actor_category": "professionnels",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    errors = re.search(r'id="id_body-desc-error">(.*?)</div>', html, re.S).group(1)
    assert f"au plus 10000 caractères (actuellement {len(PASTED.strip())})" in errors
    assert PASTED.strip() in html
    assert Contribution.objects.count() == 0


def test_the_api_refuses_a_too_long_text_with_a_400_on_the_field():
    api = APIClient()
    api.force_authenticate(UserFactory())

    contribution = api.post(
        "/api/v1/contributions/",
        {
            "kind": "proposal",
            "title": "Un référent de parcours unique",
            "body": "x" * 10_001,
            "themes": ["T1"],
            "department": "13",
            "actor_category": "professionnels",
        },
        format="json",
    )
    practice = api.post(
        "/api/v1/practices/",
        {
            "title": "Accueil de jour partagé",
            "summary": "x" * 601,
            "organisation": "Centre social",
            "department": department("13").code,
            "themes": ["T1"],
        },
        format="json",
    )

    assert contribution.status_code == 400
    assert list(contribution.json()) == ["body"]
    assert "10000" in contribution.json()["body"][0]
    assert practice.status_code == 400
    assert "summary" in practice.json()
    assert "600" in practice.json()["summary"][0]
    assert Contribution.objects.count() == 0
    assert Practice.objects.count() == 0
