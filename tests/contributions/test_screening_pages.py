"""A submission never runs spaCy's name recogniser (issue 18 item 8: the after-commit task
does), and the moderation page shows which fragments were flagged and the published
near-copies of the text (item 4)."""

import html

import pytest

from analysis.services.screening import contribution_screen
from analysis.services.signatures import contributions_signatures_refresh
from contributions.models import Contribution
from tests.factories.analysis import CAMPAIGN_TEXT
from tests.factories.contributions import ContributionFactory
from tests.factories.egts import UserFactory, copil_member, national_team_member

from .test_pages import SUBMIT, form_data

pytestmark = pytest.mark.django_db

BODY = (
    "Sophie Martin m'a aidée à retrouver un logement. Écrivez-moi à lea.durand@exemple.fr "
    "ou au 12 rue des Lilas si vous voulez témoigner."
)


def _recogniser_forbidden(*args, **kwargs):
    raise AssertionError("spaCy's recogniser ran on the request path")


def test_a_submission_request_never_runs_the_name_recogniser(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory())
    monkeypatch.setattr("egts.personal_data._pipeline", _recogniser_forbidden)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(SUBMIT, form_data(title="Un accompagnement", body=BODY))

    assert response.status_code == 302
    contribution = Contribution.objects.get(title="Un accompagnement")
    # The task has not run (no worker): the patterns are flagged, the name not yet.
    assert contribution.flags == ["email", "address"]
    assert len(callbacks) == 1

    monkeypatch.undo()
    callbacks[0]()  # the task, eager here, as a worker would run it

    contribution.refresh_from_db()
    assert contribution.flags == ["email", "name", "address"]


def test_the_participant_is_told_every_kind_of_personal_data_the_submission_saw(client):
    client.force_login(UserFactory())
    response = client.post(SUBMIT, form_data(title="Un témoignage", body=BODY), follow=True)
    text = html.unescape(response.content.decode())
    assert (
        "Votre texte semble contenir une adresse électronique et une adresse postale : "
        "la modération les retirera avant toute publication."
    ) in text


def test_the_moderation_page_marks_the_flagged_fragments_with_a_label(client):
    contribution = ContributionFactory(body=BODY + " <b>gras</b>", flags=["email", "address"])
    contribution_screen(contribution_id=contribution.pk)
    client.force_login(copil_member("grand-sud"))

    response = client.get(f"/contributions/{contribution.pk}/moderer/")

    page = response.content.decode()
    assert (
        '<mark class="egts-flagged" data-kind="name">Sophie Martin'
        '<span class="fr-sr-only"> (Nom de personne possible)</span></mark>'
    ) in page
    assert '<mark class="egts-flagged" data-kind="email">lea.durand@exemple.fr' in page
    assert '<mark class="egts-flagged" data-kind="address">12 rue des Lilas' in page
    assert "&lt;b&gt;gras&lt;/b&gt;" in page  # the participant's text stays escaped
    listed = [
        (fragment["text"], str(fragment["label"]))
        for fragment in response.context["screening"]["flagged_fragments"]
    ]
    assert listed == [
        ("Sophie Martin", "Nom de personne possible"),
        ("lea.durand@exemple.fr", "Adresse électronique"),
        ("12 rue des Lilas", "Adresse postale possible"),
    ]
    assert "Passages signalés" in html.unescape(page)


def test_the_moderation_page_lists_the_published_near_copies(client):
    original = ContributionFactory(published=True, title="La permanence", body=CAMPAIGN_TEXT)
    contributions_signatures_refresh([original.pk])
    copy = ContributionFactory(body=CAMPAIGN_TEXT.replace("immédiate", "rapide"))
    unscreened = ContributionFactory()
    contribution_screen(contribution_id=copy.pk)
    client.force_login(national_team_member())

    page = html.unescape(client.get(f"/contributions/{copy.pk}/moderer/").content.decode())

    assert "Quasi-copie d'une contribution publiée" in page
    assert f'<a href="/contributions/{original.pk}/">La permanence</a>' in page
    assert "n'a pas encore eu lieu" not in page
    page = html.unescape(client.get(f"/contributions/{unscreened.pk}/moderer/").content.decode())
    assert "n'a pas encore eu lieu" in page
    assert "Quasi-copie" not in page


@pytest.mark.parametrize("who", ["participant", "other_copil"])
def test_the_screening_of_an_item_stays_hidden_from_others(client, who):
    contribution = ContributionFactory(body=BODY)
    contribution_screen(contribution_id=contribution.pk)
    user = UserFactory() if who == "participant" else copil_member("sud-ouest")
    client.force_login(user)

    response = client.get(f"/contributions/{contribution.pk}/moderer/")

    assert response.status_code == 404
    assert "Sophie Martin" not in response.content.decode()
