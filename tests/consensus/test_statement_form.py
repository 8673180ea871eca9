"""Writing a statement in the browser: who may, what becomes of it, where it comes from, and
bad input that keeps what was typed."""

import pytest

from consensus.models import Statement
from egts.moderation import ModerationStatus
from tests.factories.analysis import TopicFactory
from tests.factories.assises import HypothesisFactory, ProposalFactory, people

pytestmark = pytest.mark.django_db

NEW = "/consensus/enonces/nouveau/"
TEXT = "Chaque personne accompagnée doit pouvoir lire son dossier."


@pytest.fixture
def roles():
    return people()


def post(client, **overrides):
    return client.post(NEW, {"text": TEXT, "theme": "T1", **overrides})


def test_signing_in_comes_first(client):
    response = client.get(NEW)
    assert response.status_code == 302
    assert "/comptes/connexion/" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize(
    ("role", "territory", "status"),
    [
        ("participant", "grand-sud", ModerationStatus.PENDING),
        ("other_copil", "grand-sud", ModerationStatus.PENDING),
        ("lead", "grand-sud", ModerationStatus.PUBLISHED),
        ("member", "grand-sud", ModerationStatus.PUBLISHED),
        ("national", "", ModerationStatus.PUBLISHED),
        ("participant", "", ModerationStatus.PENDING),
    ],
)
def test_who_publishes_at_once_and_who_is_moderated(client, roles, role, territory, status):
    from egts.models import Territory

    client.force_login(roles[role])
    chosen = Territory.objects.get(slug=territory).pk if territory else ""
    response = post(client, territory=chosen)
    assert response.status_code == 302
    assert response["Location"] == "/consensus/voter/"
    statement = Statement.objects.get()
    assert statement.status == status
    assert statement.author == roles[role]
    assert (statement.territory.slug if statement.territory else "") == territory


def test_bad_input_keeps_what_was_typed_with_a_message_per_field(client, roles):
    client.force_login(roles["participant"])
    response = client.post(NEW, {"text": "Trop bref", "theme": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Trop bref" in page
    assert "L&#x27;énoncé doit compter au moins 10 caractères." in page
    assert "Choisissez le thème de l&#x27;énoncé." in page
    assert not Statement.objects.exists()


def test_a_hypothesis_prefills_the_form_and_stays_the_source(client, roles):
    hypothesis = HypothesisFactory(statement="Les équipes manquent de temps pour se coordonner.")
    client.force_login(roles["national"])
    page = client.get(NEW, {"source": "hypothesis", "id": hypothesis.pk}).content.decode()
    assert "Les équipes manquent de temps pour se coordonner.</textarea>" in page
    assert f'name="source_id" value="{hypothesis.pk}"' in page
    response = post(client, theme="T2", source="hypothesis", source_id=hypothesis.pk)
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert (statement.source_type, statement.source_id) == ("hypothesis", hypothesis.pk)
    assert statement.status == ModerationStatus.PUBLISHED


def test_a_topic_prefills_its_label_and_its_runs_scope(client, roles):
    topic = TopicFactory(label="Accès aux droits et non-recours")
    client.force_login(roles["national"])
    page = client.get(NEW, {"source": "topic", "id": topic.pk}).content.decode()
    assert "Accès aux droits et non-recours</textarea>" in page


@pytest.mark.parametrize("role", ["participant", "other_copil", "facilitator"])
def test_a_source_is_never_shown_to_who_may_not_publish_in_its_territory(client, roles, role):
    proposal = ProposalFactory(title="Brouillon confidentiel du COPIL")
    topic = TopicFactory(
        label="Thème d'une analyse du territoire", run__territory=proposal.territory
    )
    client.force_login(roles[role])
    for source, found in (("proposal", proposal), ("topic", topic)):
        page = client.get(NEW, {"source": source, "id": found.pk}).content.decode()
        assert "Brouillon confidentiel du COPIL" not in page
        assert "Thème d&#x27;une analyse du territoire" not in page
        assert f'name="source_id" value="{found.pk}"' not in page


def test_a_national_hypothesis_prefills_for_the_national_team_only(client, roles):
    hypothesis = HypothesisFactory(
        statement="Une hypothèse encore en chantier.", is_published=False
    )
    client.force_login(roles["lead"])
    page = client.get(NEW, {"source": "hypothesis", "id": hypothesis.pk}).content.decode()
    assert "Une hypothèse encore en chantier." not in page


def test_a_participant_cannot_claim_a_source(client, roles):
    proposal = ProposalFactory()
    client.force_login(roles["participant"])
    response = post(client, source="proposal", source_id=proposal.pk)
    assert response.status_code == 400
    assert "équipe nationale et le COPIL du territoire peuvent tirer" in response.content.decode()
    assert TEXT in response.content.decode()
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    "query", [{"source": "proposal", "id": "999999"}, {"source": "x", "id": "1"}, {"id": "abc"}]
)
def test_an_unknown_source_gives_an_empty_form_not_an_error(client, roles, query):
    client.force_login(roles["lead"])
    response = client.get(NEW, query)
    assert response.status_code == 200
    assert 'name="source_id"' in response.content.decode()


def test_the_source_pages_link_to_the_form(client, roles):
    proposal = ProposalFactory()
    client.force_login(roles["lead"])
    page = client.get(f"/espace/propositions/{proposal.pk}/").content.decode()
    assert f"/consensus/enonces/nouveau/?source=proposal&amp;id={proposal.pk}" in page
    client.force_login(roles["member"])
    # A COPIL member of the territory may publish there too: the link shows.
    page = client.get(f"/espace/propositions/{proposal.pk}/").content.decode()
    assert "Soumettre au vote comme énoncé" in page
