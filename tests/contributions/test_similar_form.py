"""The contribution form's similar contributions without JavaScript (issue 18 item 5):
the secondary button shows the list with the typed values kept, and saves nothing."""

import html
import re

import pytest

from contributions.models import Contribution
from tests.contributions.test_pages import SUBMIT, form_data
from tests.factories.contributions import ContributionFactory, analyze_contributions, department
from tests.factories.egts import UserFactory


def live_region(content: bytes) -> str:
    """The panel's aria-live region, as HTML (it holds no nested div)."""
    found = re.search(
        r'<div id="similar-live" aria-live="polite">(.*?)</div>', content.decode(), re.S
    )
    assert found, "no aria-live region"
    return found.group(1)


pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(client):
    user = UserFactory(actor_category="elus", department=department("35"))
    client.force_login(user)
    return user


@pytest.fixture
def published():
    close = ContributionFactory(
        published=True,
        title="Hébergement des familles à l'automne",
        body="Les places d'hébergement manquent pour les familles dès l'automne chaque année.",
    )
    far = ContributionFactory(
        published=True,
        title="Formation continue",
        body="Les stages et la gratification des étudiants en travail social.",
    )
    hidden = ContributionFactory(
        title="Hébergement des familles en attente",
        body="Les places d'hébergement pour les familles manquent.",
    )
    analyze_contributions()
    return close, far, hidden


def test_the_button_lists_similar_contributions_and_keeps_the_values(
    client, participant, published
):
    close, far, hidden = published
    before = Contribution.objects.count()
    data = form_data(title="Places d'hébergement", kind="", voir_proches="1")
    response = client.post(SUBMIT, data)
    assert response.status_code == 200
    assert Contribution.objects.count() == before  # nothing saved
    live = live_region(response.content)
    assert f'href="{close.get_absolute_url()}"' in live
    assert f'href="{far.get_absolute_url()}"' not in live
    assert f'href="{hidden.get_absolute_url()}"' not in live
    # What was typed is still there, and no error is shown for what is not filled yet.
    page = html.unescape(response.content.decode())
    assert re.search(r'name="title" value="Places d\'hébergement"', page)
    assert re.search(r'<textarea name="body"[^>]*>\s*Les places d\'hébergement pour', page)
    assert re.search(r'name="themes" value="T3"[^>]*checked', page)
    assert re.search(r'<option value="13" selected', page)
    assert "fr-error-text" not in page
    assert "fr-input-group--error" not in page


def test_the_button_with_nothing_typed_says_nothing_is_close(client, participant, published):
    response = client.post(SUBMIT, {"voir_proches": "1", "title": "", "body": ""})
    assert response.status_code == 200
    assert "<a " not in live_region(response.content)


def test_the_button_with_a_control_character_is_not_a_500(client, participant, published):
    response = client.post(SUBMIT, form_data(body="Hébergement\x00 des familles", voir_proches="1"))
    assert response.status_code == 200


def test_the_form_carries_the_panel_and_its_script_with_the_nonce(client, participant):
    response = client.get(SUBMIT)
    page = response.content.decode()
    assert 'data-egts-similar-url="/api/v1/contributions/similar/"' in page
    assert re.search(r'<script src="[^"]*similar[^"]*\.js" defer nonce="[^"]+">', page)
    assert 'name="voir_proches"' in page
    assert "<a " not in live_region(response.content)


def test_the_main_button_still_submits(client, participant, published):
    response = client.post(SUBMIT, form_data())
    assert response.status_code == 302
    assert Contribution.objects.filter(title="Des places qui manquent").exists()
