"""API: /api/v1/contributions/, /contributions/{id}/, /me/contributions/."""

import json

import pytest
from django.core import mail
from rest_framework.test import APIClient

from contributions.models import Contribution
from egts.models import Policy, Territory, Theme
from egts.moderation import ModerationStatus
from tests.factories.contributions import ContributionFactory, department
from tests.factories.egts import UserFactory, copil_member, national_team_member

pytestmark = pytest.mark.django_db

URL = "/api/v1/contributions/"


def valid_payload(**overrides):
    payload = {
        "kind": "proposal",
        "title": "Un référent de parcours",
        "body": "Chaque personne devrait avoir un référent unique qui coordonne son parcours.",
        "themes": ["T4"],
        "policies": ["P1"],
        "department": "13",
        "actor_category": "professionnels",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def participant_client(client):
    user = UserFactory()
    client.force_authenticate(user)
    client.user = user
    return client


def test_anonymous_cannot_submit(client):
    response = client.post(URL, valid_payload(), format="json")
    assert response.status_code == 401
    assert Contribution.objects.count() == 0


def test_signed_in_user_submits_pending_contribution_routed_to_territory(participant_client):
    response = participant_client.post(URL, valid_payload(), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "pending"
    assert data["territory"] == "grand-sud"
    assert data["department"] == "13"
    assert data["themes"] == ["T4"]
    assert data["policies"] == ["P1"]
    contribution = Contribution.objects.get(pk=data["id"])
    assert contribution.author == participant_client.user
    assert contribution.territory == Territory.objects.get(slug="grand-sud")
    assert contribution.flags == []


def test_contribution_without_department_goes_to_national_queue(participant_client):
    response = participant_client.post(URL, valid_payload(department=None), format="json")
    assert response.status_code == 201
    contribution = Contribution.objects.get(pk=response.json()["id"])
    assert contribution.territory_id is None
    assert list(Contribution.objects.for_territory(None)) == [contribution]


def test_email_and_phone_in_text_flag_the_contribution(participant_client):
    body = "Écrivez-moi à jean.dupont@exemple.fr ou au 06 12 34 56 78 pour en parler."
    response = participant_client.post(URL, valid_payload(body=body), format="json")
    assert response.status_code == 201
    assert Contribution.objects.get().flags == ["email", "phone"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "ab"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "trop court"}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"themes": []}, "themes"),
        ({"themes": ["T9"]}, "themes"),
        ({"themes": [12]}, "themes"),
        ({"policies": ["P8"]}, "policies"),
        ({"department": "999"}, "department"),
        ({"kind": "rumour"}, "kind"),
        ({"actor_category": "inconnu"}, "actor_category"),
    ],
)
def test_bad_input_answers_400_with_field_errors(participant_client, overrides, field):
    response = participant_client.post(URL, valid_payload(**overrides), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Contribution.objects.count() == 0


def test_missing_fields_are_each_named(participant_client):
    response = participant_client.post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "title", "body", "themes", "actor_category"}


def test_unknown_theme_message_is_french(participant_client):
    response = participant_client.post(URL, valid_payload(themes=["T9"]), format="json")
    assert response.json() == {"themes": ["Code inconnu : T9."]}


def test_over_limit_body_answers_413(participant_client):
    payload = valid_payload(body="x" * 300_000)
    response = participant_client.post(URL, json.dumps(payload), content_type="application/json")
    assert response.status_code == 413
    assert Contribution.objects.count() == 0


def test_malformed_json_answers_400(participant_client):
    response = participant_client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_rate_limit_per_account_answers_429_with_retry_after(
    participant_client, settings, throttle_rates
):
    throttle_rates(contribution_submit="2/hour")
    # Different titles: the same contribution sent again is merged, not counted twice.
    for number in range(2):
        payload = valid_payload(title=f"Un référent de parcours {number}")
        assert participant_client.post(URL, payload, format="json").status_code == 201
    response = participant_client.post(URL, valid_payload(title="Un troisième"), format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Contribution.objects.count() == 2


def test_rate_limit_per_ip_holds_across_accounts(client, settings, throttle_rates):
    throttle_rates(contribution_submit="1/hour")
    client.force_authenticate(UserFactory())
    assert client.post(URL, valid_payload(), format="json").status_code == 201
    client.force_authenticate(UserFactory())
    assert client.post(URL, valid_payload(), format="json").status_code == 429


def test_rate_limits_can_be_lifted(participant_client, settings, throttle_rates):
    throttle_rates(contribution_submit="1/hour")
    settings.EGTS_RATE_LIMITS = False
    for _ in range(3):
        assert participant_client.post(URL, valid_payload(), format="json").status_code == 201


# --- Public list ------------------------------------------------------------------------


def test_list_shows_published_only_without_personal_data(client):
    published = ContributionFactory(
        published=True, author__email="secret@exemple.fr", author__display_name="Jeanne Secret"
    )
    ContributionFactory()
    ContributionFactory(rejected=True)
    response = client.get(URL)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["results"][0]
    assert set(item) == {
        "id",
        "kind",
        "title",
        "body",
        "themes",
        "policies",
        "territory",
        "department",
        "actor_category",
        "source",
        "published_at",
    }
    assert item["id"] == published.pk
    assert "secret" not in response.content.decode().lower()
    assert "Jeanne" not in response.content.decode()


def test_list_body_is_the_moderated_text(client):
    ContributionFactory(
        published=True,
        body="Appelez Mme Martin au 06 12 34 56 78 pour le détail.",
        published_body="Appelez la coordinatrice pour le détail.",
    )
    item = client.get(URL).json()["results"][0]
    assert item["body"] == "Appelez la coordinatrice pour le détail."


def test_list_filters(client):
    t2 = Theme.objects.get(code="T2")
    p3 = Policy.objects.get(code="P3")
    in_grand_sud = ContributionFactory(published=True)
    in_bretagne = ContributionFactory(
        published=True,
        department=department("35"),
        themes=[t2],
        policies=[p3],
        kind="proposal",
        actor_category="usagers",
    )
    national = ContributionFactory(published=True, national=True)

    def ids(**params):
        return [item["id"] for item in client.get(URL, params).json()["results"]]

    assert ids(territory="grand-sud") == [in_grand_sud.pk]
    assert ids(territory="bretagne-pays-de-la-loire") == [in_bretagne.pk]
    assert ids(theme="T2") == [in_bretagne.pk]
    assert ids(policy="P3") == [in_bretagne.pk]
    assert ids(kind="proposal") == [in_bretagne.pk]
    assert ids(actor_category="usagers") == [in_bretagne.pk]
    assert sorted(ids()) == sorted([in_grand_sud.pk, in_bretagne.pk, national.pk])


@pytest.mark.parametrize(
    "params, field",
    [
        ({"territory": "nowhere"}, "territory"),
        ({"theme": "T9"}, "theme"),
        ({"policy": "P0"}, "policy"),
        ({"kind": "poem"}, "kind"),
        ({"actor_category": "inconnu"}, "actor_category"),
    ],
)
def test_list_filter_naming_nothing_is_a_400_on_that_field(client, params, field):
    """A code that names nothing is a mistake to fix, not an empty list (issue 22: one
    FilterSet for the page and the API)."""
    ContributionFactory(published=True)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]


def test_list_pagination_is_capped_at_100(client):
    ContributionFactory.create_batch(3, published=True)
    data = client.get(URL, {"page_size": 2}).json()
    assert data["count"] == 3
    assert len(data["results"]) == 2
    assert data["next"] is not None
    assert client.get(URL, {"page_size": 1000}).status_code == 200


def test_search_without_match_returns_nothing(client):
    ContributionFactory(published=True, title="Logement des familles")
    assert client.get(URL, {"q": "zzzinconnu"}).json()["count"] == 0


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count_does_not_grow(client, rows, django_assert_max_num_queries):
    ContributionFactory.create_batch(rows, published=True, policies=[Policy.objects.get(code="P1")])
    with django_assert_max_num_queries(5):
        response = client.get(URL, {"page_size": 100})
    assert response.json()["count"] == rows


# --- Detail -----------------------------------------------------------------------------


def test_unpublished_contribution_is_404_to_public(client):
    contribution = ContributionFactory()
    assert client.get(f"{URL}{contribution.pk}/").status_code == 404


def test_published_detail_hides_status_from_public(client):
    contribution = ContributionFactory(published=True)
    data = client.get(f"{URL}{contribution.pk}/").json()
    assert data["id"] == contribution.pk
    assert "status" not in data


def test_author_sees_own_pending_contribution_with_status(client):
    contribution = ContributionFactory()
    client.force_authenticate(contribution.author)
    data = client.get(f"{URL}{contribution.pk}/").json()
    assert data["status"] == "pending"


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("anonymous", False),
        ("participant", False),
        ("copil_other", False),
        ("copil_member", True),
        ("copil_lead", True),
        ("national", True),
    ],
)
def test_pending_detail_role_matrix(client, who, visible):
    contribution = ContributionFactory()  # Grand Sud
    users = {
        "anonymous": None,
        "participant": lambda: UserFactory(),
        "copil_other": lambda: copil_member("grand-nord"),
        "copil_member": lambda: copil_member("grand-sud"),
        "copil_lead": lambda: copil_member("grand-sud", role="copil_lead"),
        "national": lambda: national_team_member(),
    }
    if users[who]:
        client.force_authenticate(users[who]())
    response = client.get(f"{URL}{contribution.pk}/")
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert response.json()["status"] == "pending"


# --- Mine -------------------------------------------------------------------------------


def test_my_contributions_needs_credentials(client):
    assert client.get("/api/v1/me/contributions/").status_code == 401


def test_my_contributions_lists_every_status_with_rejection_reason(participant_client):
    user = participant_client.user
    pending = ContributionFactory(author=user)
    rejected = ContributionFactory(author=user, rejected=True, moderation_message="Hors sujet.")
    ContributionFactory()  # someone else's
    data = participant_client.get("/api/v1/me/contributions/").json()
    assert data["count"] == 2
    by_id = {item["id"]: item for item in data["results"]}
    assert by_id[pending.pk]["status"] == "pending"
    assert by_id[pending.pk]["moderation"] is None
    assert by_id[rejected.pk]["status"] == "rejected"
    assert by_id[rejected.pk]["moderation"] == {"reason": "off_topic", "message": "Hors sujet."}


@pytest.mark.parametrize("rows", [1, 50])
def test_my_contributions_query_count(participant_client, rows, django_assert_max_num_queries):
    ContributionFactory.create_batch(rows, author=participant_client.user)
    with django_assert_max_num_queries(5):
        response = participant_client.get("/api/v1/me/contributions/", {"page_size": 100})
    assert response.json()["count"] == rows


def test_moderation_publishes_and_emails_author(client, django_capture_on_commit_callbacks):
    contribution = ContributionFactory(author__email="auteur@exemple.fr")
    client.force_authenticate(copil_member("grand-sud"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{URL}{contribution.pk}/moderation/",
            {"decision": "publish", "published_body": "Texte relu et publié."},
            format="json",
        )
    assert response.status_code == 200
    assert response.json() == {"id": contribution.pk, "status": "published"}
    contribution.refresh_from_db()
    assert contribution.status == ModerationStatus.PUBLISHED
    assert contribution.published_body == "Texte relu et publié."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["auteur@exemple.fr"]
    assert "publiée" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/contributions/abc/",
        "/api/v1/contributions/null,null/",
        "/api/v1/questionnaires/%C3%A9t%C3%A9/",
        "/api/v1/questionnaires/a%00b/results/",
    ],
)
def test_malformed_identifiers_get_the_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_nul_characters_never_give_a_500(participant_client):
    response = participant_client.post(URL, valid_payload(themes=["T\x001"]), format="json")
    assert response.status_code == 400
    response = participant_client.post(URL, valid_payload(title="Titre\x00nul"), format="json")
    assert response.status_code == 400
    # In the query string too: refused once for every view (egts/input.py), not dropped.
    assert participant_client.get(URL, {"q": "loge\x00ment", "territory": "\x00"}).status_code == (
        400
    )
