"""The national team defines questionnaires in the Django admin (first version)."""

import pytest

from contributions.models import Question
from tests.factories.contributions import build_questionnaire
from tests.factories.egts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_questionnaire_admin_pages_render_with_inlines(admin_client):
    questionnaire = build_questionnaire()
    question = questionnaire.questions.first()
    base = "/admin-technique/contributions"
    assert admin_client.get(f"{base}/questionnaire/add/").status_code == 200
    page = admin_client.get(f"{base}/questionnaire/{questionnaire.pk}/change/")
    assert page.status_code == 200
    assert "Êtes-vous d&#x27;accord ?" in page.content.decode()
    page = admin_client.get(f"{base}/question/{question.pk}/change/")
    assert page.status_code == 200
    assert 'name="choices-0-label"' in page.content.decode()


def test_condition_must_point_to_an_earlier_step(admin_client):
    questionnaire = build_questionnaire()
    single = questionnaire.questions.get(label="Êtes-vous d'accord ?")
    scale = questionnaire.questions.get(label="Votre note ?")
    scale.condition_choice = single.choices.first()  # same step: refused
    with pytest.raises(Exception) as error:
        scale.full_clean()
    assert "étape précédente" in str(error.value)
    assert Question.objects.get(pk=scale.pk).condition_choice_id is None
