"""API v1 of practices: create, list with filters, detail, sheet, moderation."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from egts.models import Department, Policy, Theme
from egts.moderation import ModerationDecision, ModerationStatus
from practices.models import Practice
from tests.factories.egts import UserFactory, copil_member, national_team_member
from tests.factories.practices import PracticeAttachmentFactory, PracticeFactory, PracticeTagFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api-practice-list")
BODY = {
    "title": "Référent parcours pour les jeunes sortant de l'ASE",
    "summary": "Un référent unique accompagne chaque jeune de 17 à 21 ans.",
    "context": "Des ruptures de prise en charge à la majorité.",
    "people_concerned": "Jeunes majeurs sortant de l'aide sociale à l'enfance.",
    "actors": "Conseil général, mission locale, bailleurs.",
    "implementation": "Un référent désigné six mois avant la majorité.",
    "results": "Moins de sorties sèches ; suivi sur trois ans.",
    "transfer_conditions": "Un accord entre le département et la mission locale.",
    "organisation": "Conseil général des Bouches-du-Rhône",
    "department": "13",
    "themes": ["T1", "T3"],
    "policies": ["P1"],
    "contact_email": "referent@cg13.example",
}


@pytest.fixture
def api():
    return APIClient()


def test_signed_in_user_creates_a_pending_practice(api):
    author = UserFactory()
    api.force_authenticate(author)

    response = api.post(LIST_URL, BODY, format="json")

    assert response.status_code == 201
    practice = Practice.objects.get()
    assert response.json() == {"id": practice.pk, "status": "pending"}
    assert practice.is_draft is False
    assert practice.author == author
    assert practice.territory.slug == "grand-sud"
    assert sorted(practice.themes.values_list("code", flat=True)) == ["T1", "T3"]
    assert practice.contact_email == "referent@cg13.example"


def test_anonymous_cannot_create(api):
    response = api.post(LIST_URL, BODY, format="json")

    assert response.status_code == 401
    assert Practice.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "ab"}, "title"),
        ({"themes": []}, "themes"),
        ({"themes": ["T9"]}, "themes"),
        ({"department": "999"}, "department"),
        ({"contact_email": "pas-une-adresse"}, "contact_email"),
        ({"summary": "x" * 601}, "summary"),
        ({"implementation": ""}, "implementation"),
    ],
)
def test_invalid_bodies_get_400_per_field_and_create_nothing(api, change, field):
    api.force_authenticate(UserFactory())

    response = api.post(LIST_URL, {**BODY, **change}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Practice.objects.count() == 0


def test_a_non_object_body_is_a_400_not_a_500(api):
    api.force_authenticate(UserFactory())

    response = api.post(LIST_URL, ["not", "an", "object"], format="json")

    assert response.status_code == 400


def test_list_shows_published_only_and_no_personal_data(api):
    published = PracticeFactory(published=True, contact_email="secret@exemple.fr")
    PracticeFactory()
    PracticeFactory(draft=True)

    response = api.get(LIST_URL)

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["id"] == published.pk
    assert item["territory"] == "grand-sud"
    assert item["department"] == "13"
    assert item["themes"] == ["T1"]
    assert "contact_email" not in item
    assert "author" not in item
    assert "secret@exemple.fr" not in response.content.decode()
    assert published.author.email not in response.content.decode()


def test_list_filters(api):
    est = PracticeFactory(published=True, department=Department.objects.get(code="67"))
    featured = PracticeFactory(published=True, featured=True)
    themed = PracticeFactory(
        published=True,
        themes=[Theme.objects.get(pk="T4")],
        policies=[Policy.objects.get(pk="P2")],
    )
    tagged = PracticeFactory(published=True)
    tagged.tags.add(PracticeTagFactory(name="Logement", slug="logement"))

    def ids(**params):
        return sorted(r["id"] for r in api.get(LIST_URL, params).json()["results"])

    assert ids(territory="grand-est") == [est.pk]
    assert ids(featured="true") == [featured.pk]
    assert ids(theme="T4") == [themed.pk]
    assert ids(policy="P2") == [themed.pk]
    assert ids(tag="logement") == [tagged.pk]
    assert ids(actor_category="professionnels") == sorted(
        [est.pk, featured.pk, themed.pk, tagged.pk]
    )
    assert ids(featured="false") == sorted([est.pk, themed.pk, tagged.pk])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"territory": "nulle-part"}, "territory"),
        ({"theme": "T9"}, "theme"),
        ({"policy": "P0"}, "policy"),
        ({"actor_category": "inconnu"}, "actor_category"),
        ({"tag": "sans-objet"}, "tag"),
        ({"featured": "peut-etre"}, "featured"),
    ],
)
def test_list_filter_naming_nothing_is_a_400_on_that_field(api, params, field):
    """A code that names nothing is a mistake to fix, not an empty list (issue 22: one
    FilterSet for the page and the API)."""
    PracticeFactory(published=True)

    response = api.get(LIST_URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]


def test_list_filters_are_documented_in_the_schema(api):
    schema = api.get(reverse("api-schema"), {"format": "json"}).json()

    parameters = schema["paths"]["/api/v1/practices/"]["get"]["parameters"]
    by_name = {p["name"]: p for p in parameters}
    assert {"q", "territory", "theme", "policy", "actor_category", "tag", "featured"} <= set(
        by_name
    )
    assert by_name["featured"]["schema"]["type"] == "boolean"
    assert "professionnels" in by_name["actor_category"]["schema"]["enum"]


def test_list_query_count_does_not_grow_with_rows(api, django_assert_max_num_queries):
    PracticeFactory(published=True)
    with django_assert_max_num_queries(6) as one:  # + the planner's estimate
        api.get(LIST_URL)
    for _ in range(49):
        practice = PracticeFactory(published=True)
        practice.tags.add(PracticeTagFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = api.get(LIST_URL, {"page_size": 50})
    assert len(response.json()["results"]) == 50


def test_detail_of_a_pending_practice_is_404_to_the_public_and_visible_to_its_author(api):
    practice = PracticeFactory()
    url = reverse("api-practice-detail", kwargs={"pk": practice.pk})

    assert api.get(url).status_code == 404
    api.force_authenticate(practice.author)
    data = api.get(url).json()
    assert data["status"] == "pending"
    assert data["contact_email"] == practice.contact_email


def test_detail_lists_attachments_for_the_public_without_status(api):
    practice = PracticeFactory(published=True)
    attachment = PracticeAttachmentFactory(practice=practice, name="bilan.pdf")

    data = api.get(reverse("api-practice-detail", kwargs={"pk": practice.pk})).json()

    assert data["attachments"] == [
        {
            "name": "bilan.pdf",
            "url": f"http://testserver{attachment.get_absolute_url()}",
            "size": attachment.size,
            "content_type": "application/pdf",
        }
    ]
    assert "status" not in data
    assert "contact_email" not in data


def test_sheet_is_a_pdf_for_published_practices_only(api):
    from io import BytesIO

    from pypdf import PdfReader

    published = PracticeFactory(published=True, title="Cafés des parents du Panier")
    pending = PracticeFactory()

    response = api.get(reverse("api-practice-sheet", kwargs={"pk": published.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Cafés des parents du Panier" in text
    assert api.get(reverse("api-practice-sheet", kwargs={"pk": pending.pk})).status_code == 404


# --- Moderation -----------------------------------------------------------------------------


def _moderate(api, practice, body):
    return api.post(
        reverse("api-practice-moderation", kwargs={"pk": practice.pk}), body, format="json"
    )


ROLE_MATRIX = [
    ("anonymous", 401),
    ("participant", 403),
    ("author", 403),
    ("copil_other_territory", 403),
    ("copil_member", 200),
    ("copil_lead", 200),
    ("national", 200),
]


def _user(role):
    from egts.models import Role

    return {
        "anonymous": lambda: None,
        "participant": UserFactory,
        "copil_other_territory": lambda: copil_member("grand-est"),
        "copil_member": lambda: copil_member("grand-sud"),
        "copil_lead": lambda: copil_member("grand-sud", role=Role.COPIL_LEAD),
        "national": national_team_member,
    }[role]()


@pytest.mark.parametrize(("role", "expected"), ROLE_MATRIX)
def test_moderation_role_matrix(api, role, expected):
    practice = PracticeFactory()
    user = practice.author if role == "author" else _user(role)
    if user is not None:
        api.force_authenticate(user)

    response = _moderate(api, practice, {"decision": "publish"})

    assert response.status_code == expected
    practice.refresh_from_db()
    if expected == 200:
        assert response.json() == {"id": practice.pk, "status": "published"}
        assert practice.status == ModerationStatus.PUBLISHED
    else:
        assert practice.status == ModerationStatus.PENDING
        assert ModerationDecision.objects.count() == 0


def test_request_changes_through_the_api_with_edits_and_tags(api):
    practice = PracticeFactory()
    api.force_authenticate(copil_member("grand-sud"))

    response = _moderate(
        api,
        practice,
        {
            "decision": "request_changes",
            "message": "Chiffrez les résultats.",
            "published_fields": {"summary": "Résumé relu."},
            "tags": ["Parentalité"],
        },
    )

    assert response.status_code == 200
    assert response.json()["status"] == "changes_requested"
    practice.refresh_from_db()
    assert practice.summary == "Résumé relu."
    assert list(practice.tags.values_list("name", flat=True)) == ["Parentalité"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "reject"}, "reason"),
        ({"decision": "reject", "reason": "unknown"}, "reason"),
        ({"decision": "explode"}, "decision"),
        ({"decision": "request_changes"}, "message"),
        ({"decision": "publish", "published_fields": {"contact_email": "x@y.fr"}}, "contact_email"),
        ({"decision": "publish", "published_fields": {"title": ""}}, "title"),
    ],
)
def test_invalid_moderation_is_a_400_and_nothing_changes(api, body, field):
    practice = PracticeFactory()
    api.force_authenticate(national_team_member())

    response = _moderate(api, practice, body)

    assert response.status_code == 400
    assert field in response.json()
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.PENDING
    assert practice.tags.count() == 0


def test_only_the_national_team_may_feature_through_the_api(api):
    practice = PracticeFactory()
    api.force_authenticate(copil_member("grand-sud"))
    assert _moderate(api, practice, {"decision": "publish", "featured": True}).status_code == 403

    api.force_authenticate(national_team_member())
    assert _moderate(api, practice, {"decision": "publish", "featured": True}).status_code == 200
    practice.refresh_from_db()
    assert practice.featured is True
    assert practice.status == ModerationStatus.PUBLISHED


def test_a_draft_cannot_be_moderated(api):
    practice = PracticeFactory(draft=True)
    api.force_authenticate(national_team_member())

    assert _moderate(api, practice, {"decision": "publish"}).status_code == 404
    practice.refresh_from_db()
    assert practice.is_draft is True
