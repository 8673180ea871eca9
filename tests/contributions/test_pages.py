"""HTML pages: public list and detail, submit and edit forms."""

import html

import pytest
from django.urls import reverse

from contributions.models import Contribution
from egts.moderation import ModerationStatus
from tests.factories.contributions import ContributionFactory, department
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db

SUBMIT = "/contributions/contribuer/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def form_data(**overrides):
    data = {
        "kind": "observation",
        "title": "Des places qui manquent",
        "body": "Les places d'hébergement pour les familles manquent dès l'automne.",
        "themes": ["T1", "T3"],
        "policies": ["P2"],
        "department": "13",
        "actor_category": "benevoles",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def participant(client):
    user = UserFactory(actor_category="elus", department=department("35"))
    client.force_login(user)
    return user


def test_urls_have_the_agreed_names():
    assert reverse("contributions:list") == "/contributions/"
    assert reverse("contributions:submit") == SUBMIT
    assert reverse("contributions:detail", kwargs={"pk": 3}) == "/contributions/3/"
    assert reverse("contributions:edit", kwargs={"pk": 3}) == "/contributions/3/modifier/"
    assert reverse("contributions:moderate", kwargs={"pk": 3}) == "/contributions/3/moderer/"


def test_submit_needs_an_account(client):
    response = client.get(SUBMIT)
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]


def test_submit_form_is_prefilled_from_profile_and_warns_about_personal_data(client, participant):
    response = client.get(SUBMIT)
    assert response.status_code == 200
    content = text(response)
    assert 'value="elus" selected' in content
    assert 'value="35" selected' in content
    assert "Ne mentionnez ni donnée de santé, ni le nom d'une personne" in content


def test_submit_creates_pending_contribution(client, participant):
    response = client.post(SUBMIT, form_data())
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.author == participant
    assert contribution.status == ModerationStatus.PENDING
    assert contribution.territory.slug == "grand-sud"
    assert sorted(t.code for t in contribution.themes.all()) == ["T1", "T3"]
    assert [p.code for p in contribution.policies.all()] == ["P2"]
    assert contribution.actor_category == "benevoles"


def test_submit_with_phone_number_flags_and_tells_the_author(client, participant):
    response = client.post(
        SUBMIT, form_data(body="Appelez le 01 23 45 67 89 pour en savoir davantage."), follow=True
    )
    assert Contribution.objects.get().flags == ["phone"]
    assert "la modération les retirera" in text(response)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"title": "x" * 201}, "200 caractères"),
        ({"body": "court"}, "20 caractères"),
        ({"body": "x" * 10_001}, "10000 caractères"),
        ({"themes": []}, "Choisissez au moins un thème."),
        ({"themes": ["T9"]}, "T9"),
        ({"department": "999"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_re_renders_with_message_and_keeps_input(client, participant, overrides, message):
    data = (
        form_data(title="Mon titre conservé", **overrides)
        if "title" not in overrides
        else (form_data(**overrides))
    )
    response = client.post(SUBMIT, data)
    assert response.status_code == 200
    content = text(response)
    assert message in content
    assert "Les places d'hébergement pour les familles" in content or "body" in overrides
    assert Contribution.objects.count() == 0


def test_honeypot_refuses_and_creates_nothing(client, participant):
    response = client.post(SUBMIT, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "Votre envoi n'a pas pu être accepté." in text(response)
    assert Contribution.objects.count() == 0


def test_missing_csrf_token_is_refused():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(SUBMIT, form_data())
    assert response.status_code == 403
    assert Contribution.objects.count() == 0


def test_rate_limit_shows_clear_message_with_429_and_keeps_input(
    client, participant, settings, throttle_rates
):
    throttle_rates(contribution_submit="1/hour")
    assert client.post(SUBMIT, form_data()).status_code == 302
    response = client.post(SUBMIT, form_data(title="Deuxième envoi gardé"))
    assert response.status_code == 429
    content = text(response)
    assert "Vous avez fait beaucoup d'envois en peu de temps" in content
    assert "Deuxième envoi gardé" in content
    assert Contribution.objects.count() == 1


def test_over_limit_body_gets_a_clear_message(client, participant):
    response = client.post(SUBMIT, form_data(body="x" * 200_000))
    assert response.status_code == 413
    assert "Votre envoi est trop volumineux" in text(response)
    assert Contribution.objects.count() == 0


# --- Edit -------------------------------------------------------------------------------


def test_author_edits_pending_contribution(client, participant):
    contribution = ContributionFactory(author=participant)
    url = reverse("contributions:edit", kwargs={"pk": contribution.pk})
    assert contribution.title in text(client.get(url))
    response = client.post(url, form_data(title="Titre corrigé", department=""))
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.title == "Titre corrigé"
    assert contribution.territory is None


def test_published_contribution_can_no_longer_be_edited(client, participant):
    contribution = ContributionFactory(author=participant, published=True)
    url = reverse("contributions:edit", kwargs={"pk": contribution.pk})
    response = client.post(url, form_data(title="Tentative"))
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.title != "Tentative"


def test_someone_else_cannot_edit(client, participant):
    contribution = ContributionFactory()
    url = reverse("contributions:edit", kwargs={"pk": contribution.pk})
    assert client.post(url, form_data(title="Intrus")).status_code == 404
    contribution.refresh_from_db()
    assert contribution.title != "Intrus"


# --- Public list and detail ---------------------------------------------------------------


def test_list_shows_published_contributions_without_author(client):
    ContributionFactory(
        published=True, title="Visible", author__display_name="Nom Secret", author__email="s@x.fr"
    )
    ContributionFactory(title="En attente")
    response = client.get("/contributions/")
    content = text(response)
    assert response.status_code == 200
    assert "Visible" in content
    assert "En attente" not in content
    assert "Nom Secret" not in content
    assert "s@x.fr" not in content


def test_list_filters_and_keeps_the_filter_values(client):
    ContributionFactory(published=True, title="Au sud")
    ContributionFactory(published=True, title="Au nord", department=department("59"))
    content = text(client.get("/contributions/", {"territory": "grand-nord"}))
    assert "Au nord" in content
    assert "Au sud" not in content
    assert 'value="grand-nord" selected' in content


def test_list_with_unknown_filter_does_not_fail(client):
    ContributionFactory(published=True, title="Au sud")
    response = client.get("/contributions/", {"territory": "atlantide", "page": "abc"})
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_list_page_query_count(client, rows, django_assert_max_num_queries):
    ContributionFactory.create_batch(rows, published=True)
    # The planner's estimate before the bounded count (egts/pagination.py), and the
    # reference tables the cache tags are checked against, read once per process.
    with django_assert_max_num_queries(11):
        response = client.get("/contributions/")
    assert response.status_code == 200


def test_detail_of_pending_contribution_is_404_to_public(client):
    contribution = ContributionFactory()
    assert client.get(contribution.get_absolute_url()).status_code == 404


def test_detail_shows_moderated_text(client):
    contribution = ContributionFactory(
        published=True,
        body="Texte original avec Monsieur Durand dedans.",
        published_body="Texte relu sans nom.",
    )
    content = text(client.get(contribution.get_absolute_url()))
    assert "Texte relu sans nom." in content
    assert "Durand" not in content


def test_author_sees_rejection_reason_on_detail(client, participant):
    contribution = ContributionFactory(
        author=participant, rejected=True, moderation_message="Merci de reformuler."
    )
    content = text(client.get(contribution.get_absolute_url()))
    assert "Hors sujet" in content
    assert "Merci de reformuler." in content
