"""The documentation centre: services, visibility, search, pages, API, query counts."""

import datetime
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.models import Document, DocumentKind, DocumentShare
from egts.models import Theme
from tests.factories.assises import territory
from tests.factories.documents import DocumentFactory, DocumentShareFactory
from tests.factories.egts import UserFactory, copil_member, national_team_member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _data(**overrides) -> dict:
    data = {
        "title": "Guide de méthode",
        "kind": DocumentKind.METHOD_GUIDE,
        "author": "COPIL Grand Sud",
        "date": datetime.date(2014, 1, 20),
        "territory": territory("grand-sud"),
        "summary": "Comment organiser les groupes de travail.",
        "url": "",
        "themes": [Theme.objects.get(code="T1")],
        "policies": [],
    }
    data.update(overrides)
    return data


# --- services -----------------------------------------------------------------------------


def test_copil_member_files_a_document_for_its_territory_with_a_checked_file():
    member = copil_member("grand-sud")

    document = services.document_create(
        created_by=member,
        data=_data(),
        uploaded=SimpleUploadedFile("Guide final.pdf", PDF, content_type="text/plain"),
    )

    assert (document.content_type, document.file_name, document.size) == (
        "application/pdf",
        "Guide_final.pdf",
        len(PDF),
    )
    assert document.file.name.startswith("documents/") and document.file.name.endswith(".pdf")
    assert document.is_public is False
    assert [t.code for t in document.themes.all()] == ["T1"]


def test_a_file_whose_content_is_not_a_document_is_refused():
    with pytest.raises(ValidationError) as error:
        services.document_create(
            created_by=national_team_member(),
            data=_data(),
            uploaded=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf"),
        )

    assert list(error.value.message_dict) == ["file"]
    assert not Document.objects.exists()


def test_a_document_needs_a_file_or_a_link():
    with pytest.raises(ValidationError) as error:
        services.document_create(created_by=national_team_member(), data=_data())

    assert error.value.message_dict == {"file": ["Joignez un fichier ou indiquez un lien."]}


def test_copil_cannot_file_for_another_territory_or_nationally():
    member = copil_member("grand-sud")

    for other in (territory("sud-ouest"), None):
        with pytest.raises(ValidationError) as error:
            services.document_create(
                created_by=member, data=_data(territory=other, url="https://exemple.fr/")
            )
        assert list(error.value.message_dict) == ["territory"]
    assert not Document.objects.exists()


def test_participant_cannot_file_a_document():
    with pytest.raises(PermissionDenied):
        services.document_create(created_by=UserFactory(), data=_data(url="https://exemple.fr/"))


def test_share_skips_own_and_already_shared_territories():
    document = DocumentFactory(territorial=True, private=True)
    lead = copil_member("grand-sud", role="copil_lead")
    DocumentShareFactory(document=document, territory=territory("sud-ouest"))

    shares = services.document_share(
        document=document,
        shared_by=lead,
        territories=[territory("grand-sud"), territory("sud-ouest"), territory("grand-est")],
    )

    assert [s.territory.slug for s in shares] == ["grand-est"]
    assert sorted(document.shares.values_list("territory__slug", flat=True)) == [
        "grand-est",
        "sud-ouest",
    ]


# --- visibility ---------------------------------------------------------------------------


def test_private_document_is_visible_to_its_territory_and_shared_ones_only():
    document = DocumentFactory(territorial=True, private=True)
    DocumentShareFactory(document=document, territory=territory("sud-ouest"))

    def sees(user):
        return Document.objects.visible_to(user).filter(pk=document.pk).exists()

    assert sees(copil_member("grand-sud", role="facilitator")) is True
    assert sees(copil_member("sud-ouest")) is True
    assert sees(copil_member("grand-est", role="copil_lead")) is False
    assert sees(UserFactory()) is False
    assert sees(national_team_member()) is True
    from django.contrib.auth.models import AnonymousUser

    assert sees(AnonymousUser()) is False


@pytest.mark.postgres
def test_french_full_text_search_ignores_plurals_and_accents(client):
    wanted = DocumentFactory(
        title="Les formations sociales", summary="Décloisonner les diplômes des éducateurs."
    )
    DocumentFactory(title="Hébergement d'urgence", summary="Le logement des familles.")

    for q in ("formation", "diplome", "educateur"):
        response = client.get(reverse("documents:list"), {"q": q})
        assert [d.pk for d in response.context["documents"]] == [wanted.pk], q


def test_filters_by_kind_theme_and_national(client):
    theme = Theme.objects.get(code="T2")
    national = DocumentFactory(kind=DocumentKind.REPORT, themes=[theme])
    DocumentFactory(kind=DocumentKind.REPORT, territorial=True, themes=[theme])
    DocumentFactory(kind=DocumentKind.STUDY)

    response = client.get(
        reverse("documents:list"), {"kind": "report", "theme": "T2", "territory": "national"}
    )

    assert [d.pk for d in response.context["documents"]] == [national.pk]


def test_bad_filters_are_ignored_not_500(client):
    DocumentFactory()

    response = client.get(
        reverse("documents:list"), {"kind": "nope", "theme": "T9", "territory": "x", "q": "a"}
    )

    assert response.status_code == 200


def test_bad_filters_are_shown_beside_their_field(client):
    DocumentFactory(title="Toujours listé")

    response = client.get(reverse("documents:list"), {"kind": "nope", "territory": "x"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "territory"}
    html = unescape(response.content.decode())
    assert "Type de document inconnu : nope." in html
    assert "Territoire inconnu : x." in html
    assert "Toujours listé" in html


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for index in range(rows):
        DocumentFactory(territorial=bool(index % 2), themes=[Theme.objects.get(code="T1")])

    # territories, count, the filter's theme and policy choices, page, its themes and policies
    with django_assert_num_queries(8):  # + the planner's estimate (egts/pagination.py)
        response = client.get(reverse("documents:list"))

    assert response.context["page_obj"].paginator.count == rows


# --- pages --------------------------------------------------------------------------------


def _post_data(**overrides) -> dict:
    data = {
        "title": "Mon guide tapé",
        "kind": "method_guide",
        "author": "COPIL",
        "date": "2014-01-20",
        "territory": territory("grand-sud").pk,
        "themes": ["T1"],
        "summary": "Résumé du guide.",
        "url": "",
    }
    data.update(overrides)
    return data


def test_form_refuses_a_fake_pdf_and_keeps_what_was_typed(client):
    client.force_login(copil_member("grand-sud"))

    response = client.post(
        reverse("documents:create"),
        {**_post_data(), "file_upload": SimpleUploadedFile("faux.pdf", b"<html>")},
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["file_upload"]
    assert 'value="Mon guide tapé"' in response.content.decode()
    assert not Document.objects.exists()


def test_form_without_title_or_date_has_a_message_per_field(client):
    client.force_login(national_team_member())

    response = client.post(
        reverse("documents:create"), _post_data(title="", date="pas une date", url="x")
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "date", "url"}


def test_copil_uploads_then_publishes_a_document(client):
    client.force_login(copil_member("grand-sud", role="copil_lead"))

    response = client.post(
        reverse("documents:create"),
        {**_post_data(), "file_upload": SimpleUploadedFile("guide.pdf", PDF)},
    )
    document = Document.objects.get()
    assert response["Location"] == document.get_absolute_url()

    client.post(reverse("documents:publish", args=[document.pk]), {"public": "1"})
    document.refresh_from_db()
    assert document.is_public is True
    assert document.published_at is not None

    client.logout()
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_share_page_shares_with_chosen_territories(client):
    document = DocumentFactory(private=True)
    client.force_login(national_team_member())
    target = territory("antilles-guyane")

    response = client.post(
        reverse("documents:share", args=[document.pk]), {"territories": [target.pk]}
    )

    assert response.status_code == 302
    assert list(DocumentShare.objects.values_list("territory_id", flat=True)) == [target.pk]


def test_share_without_territory_is_a_field_error(client):
    document = DocumentFactory(private=True)
    client.force_login(national_team_member())

    response = client.post(reverse("documents:share", args=[document.pk]), {})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["territories"]


# --- role matrix --------------------------------------------------------------------------

ROLES = ["anonymous", "participant", "other_copil", "member", "facilitator", "lead", "national"]


def _as(client, roles, role):
    if roles[role] is not None:
        client.force_login(roles[role])
    return client


def _outcome(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return "login"
    return response.status_code


VIEW_PRIVATE = {
    "anonymous": 404,
    "participant": 404,
    "other_copil": 404,
    "member": 200,
    "facilitator": 200,
    "lead": 200,
    "national": 200,
}
EDIT = {
    "anonymous": "login",
    "participant": 404,
    "other_copil": 404,
    "member": 200,
    "facilitator": 403,
    "lead": 200,
    "national": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_matrix_view_private_territorial_document(client, roles, role):
    document = DocumentFactory(territorial=True, private=True)

    response = _as(client, roles, role).get(document.get_absolute_url())

    assert response.status_code == VIEW_PRIVATE[role]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_edit_page(client, roles, role):
    document = DocumentFactory(territorial=True, private=True)

    response = _as(client, roles, role).get(reverse("documents:edit", args=[document.pk]))

    assert _outcome(response) == EDIT[role]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_publish(client, roles, role):
    document = DocumentFactory(territorial=True, private=True)

    response = _as(client, roles, role).post(
        reverse("documents:publish", args=[document.pk]), {"public": "1"}
    )

    expected = {**EDIT, "member": 302, "lead": 302, "national": 302}[role]
    assert _outcome(response) == expected
    document.refresh_from_db()
    assert document.is_public is (expected == 302)


@pytest.mark.parametrize("role", ROLES)
def test_matrix_national_document_is_edited_by_the_national_team_only(client, roles, role):
    document = DocumentFactory(private=False)

    response = _as(client, roles, role).post(
        reverse("documents:edit", args=[document.pk]),
        {**_post_data(territory=""), "url": "https://exemple.fr/nouveau"},
    )

    expected = {
        "anonymous": "login",
        "participant": 403,
        "other_copil": 403,
        "member": 403,
        "facilitator": 403,
        "lead": 403,
        "national": 302,
    }[role]
    assert _outcome(response) == expected
    document.refresh_from_db()
    assert document.title == ("Mon guide tapé" if role == "national" else document.title)
    if role != "national":
        assert document.url == "https://exemple.fr/etude.pdf"


@pytest.mark.parametrize("role", ROLES)
def test_matrix_create(client, roles, role):
    response = _as(client, roles, role).post(
        reverse("documents:create"), _post_data(url="https://exemple.fr/guide")
    )

    expected = {
        "anonymous": "login",
        "participant": 403,
        "other_copil": 400,  # may file documents, but not for Grand Sud
        "member": 302,
        "facilitator": 403,
        "lead": 302,
        "national": 302,
    }[role]
    assert _outcome(response) == expected
    assert Document.objects.count() == (1 if expected == 302 else 0)


# --- API ----------------------------------------------------------------------------------


def test_api_lists_public_documents_with_codes(client):
    document = DocumentFactory(territorial=True, themes=[Theme.objects.get(code="T1")])
    DocumentFactory(private=True)

    data = client.get(reverse("api-document-list")).json()

    assert data["count"] == 1
    item = data["results"][0]
    assert (item["id"], item["territory"], item["themes"], item["kind"]) == (
        document.pk,
        "grand-sud",
        ["T1"],
        "study",
    )
    assert item["file_url"] is None
    assert "created_by" not in item


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "nope"}, "kind"),
        ({"territory": "atlantide"}, "territory"),
        ({"theme": "T9"}, "theme"),
    ],
)
def test_api_bad_filters_are_400(client, params, field):
    response = client.get(reverse("api-document-list"), params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_api_filters_are_documented_in_the_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    parameters = schema["paths"]["/api/v1/documents/"]["get"]["parameters"]
    by_name = {p["name"]: p for p in parameters}
    assert {"q", "kind", "territory", "theme", "policy"} <= set(by_name)
    assert "report" in by_name["kind"]["schema"]["enum"]
    assert "national" in by_name["territory"]["description"]


def test_api_private_document_is_404_to_the_public(client):
    document = DocumentFactory(private=True)

    response = client.get(reverse("api-document-detail", args=[document.pk]))

    assert response.status_code == 404


def test_api_national_filter(client):
    national = DocumentFactory()
    DocumentFactory(territorial=True)

    data = client.get(reverse("api-document-list"), {"territory": "national"}).json()

    assert [d["id"] for d in data["results"]] == [national.pk]


def test_list_page_is_in_the_sitemap(client):
    html = client.get(reverse("footer-sitemap")).content.decode()

    assert f'<a href="{reverse("documents:list")}">Centre de documentation</a>' in html
    assert f'<a href="{reverse("actionplan:plan")}">Plan d\'action national</a>' in html


@pytest.mark.parametrize("role", ROLES)
def test_matrix_share(client, roles, role):
    document = DocumentFactory(territorial=True, private=True)
    target = territory("grand-est")

    response = _as(client, roles, role).post(
        reverse("documents:share", args=[document.pk]), {"territories": [target.pk]}
    )

    expected = {**EDIT, "member": 302, "lead": 302, "national": 302}[role]
    assert _outcome(response) == expected
    shared = list(document.shares.values_list("territory_id", flat=True))
    assert shared == ([target.pk] if expected == 302 else [])


def test_shared_territory_sees_the_private_document_but_cannot_change_it(client):
    document = DocumentFactory(territorial=True, private=True, title="Avant-première")
    DocumentShareFactory(document=document, territory=territory("sud-ouest"))
    client.force_login(copil_member("sud-ouest", role="copil_lead"))

    assert client.get(document.get_absolute_url()).status_code == 200
    response = client.post(reverse("documents:publish", args=[document.pk]), {"public": "1"})

    assert response.status_code == 403
    document.refresh_from_db()
    assert document.is_public is False


@pytest.mark.parametrize("rows", [1, 50])
def test_api_list_query_count_is_constant(client, django_assert_num_queries, rows):
    for _ in range(rows):
        DocumentFactory(territorial=True, themes=[Theme.objects.get(code="T2")])

    # count, page, themes, policies
    with django_assert_num_queries(5):  # + the planner's estimate (egts/pagination.py)
        response = client.get(reverse("api-document-list"), {"page_size": 100})

    assert response.json()["count"] == rows


def test_private_file_is_404_to_the_public_and_served_to_its_territory(client):
    document = services.document_create(
        created_by=national_team_member(),
        data=_data(),
        uploaded=SimpleUploadedFile("guide.pdf", PDF),
    )

    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    client.force_login(copil_member("grand-sud", role="facilitator"))
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_replacing_the_file_keeps_one_file(client, django_capture_on_commit_callbacks):
    national = national_team_member()
    document = services.document_create(
        created_by=national, data=_data(), uploaded=SimpleUploadedFile("v1.pdf", PDF)
    )
    first = document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.document_update(
            document=document,
            updated_by=national,
            data={"title": "Version 2"},
            uploaded=SimpleUploadedFile("v2.pdf", PDF),
        )

    assert document.file_name == "v2.pdf"
    assert document.file.storage.exists(document.file.name)
    assert not document.file.storage.exists(first)


def test_copil_cannot_move_its_document_to_another_territory():
    document = DocumentFactory(territorial=True, private=True)
    member = copil_member("grand-sud")

    with pytest.raises(ValidationError) as error:
        services.document_update(
            document=document, updated_by=member, data={"territory": territory("sud-ouest")}
        )

    assert list(error.value.message_dict) == ["territory"]
    document.refresh_from_db()
    assert document.territory.slug == "grand-sud"


@pytest.mark.parametrize("role", ROLES)
def test_matrix_api_private_territorial_document(client, roles, role):
    document = DocumentFactory(territorial=True, private=True)

    response = _as(client, roles, role).get(reverse("api-document-detail", args=[document.pk]))

    assert response.status_code == VIEW_PRIVATE[role]
    if response.status_code == 200:
        assert response.json()["is_public"] is False
