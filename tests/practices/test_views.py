"""HTML pages: catalogue, detail, steps, moderation, sharing, feed, sheet."""

import io
from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from egts.models import Department, Role, Territory
from egts.moderation import ModerationStatus
from practices.models import Practice, PracticeShare
from practices.sheet import sheet_cache_key
from tests.factories.egts import UserFactory, copil_member, national_team_member
from tests.factories.practices import PracticeFactory, PracticeShareFactory, PracticeTagFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("practices:catalogue")


def _text(response) -> str:
    return unescape(response.content.decode())


# --- Catalogue --------------------------------------------------------------------------------


def test_catalogue_shows_published_practices_only(client):
    PracticeFactory(published=True, title="Maraude mixte en centre-ville")
    PracticeFactory(title="Pratique en attente")
    PracticeFactory(draft=True, title="Brouillon secret")

    response = client.get(CATALOGUE)

    assert response.status_code == 200
    html = _text(response)
    assert "Maraude mixte en centre-ville" in html
    assert "Pratique en attente" not in html
    assert "Brouillon secret" not in html
    assert "1 pratique" in html


def test_catalogue_filters_by_territory_featured_and_tag(client):
    PracticeFactory(published=True, title="Au sud")
    PracticeFactory(published=True, title="À l'est", department=Department.objects.get(code="67"))
    PracticeFactory(published=True, title="Mise en avant", featured=True)
    tagged = PracticeFactory(published=True, title="Étiquetée")
    tagged.tags.add(PracticeTagFactory(name="Logement", slug="logement"))

    est = _text(client.get(CATALOGUE, {"territory": "grand-est"}))
    assert "À l'est" in est
    assert "Au sud" not in est
    featured = _text(client.get(CATALOGUE, {"featured": "on"}))
    assert "Mise en avant" in featured
    assert "Au sud" not in featured
    tag = _text(client.get(CATALOGUE, {"tag": "logement"}))
    assert "Étiquetée" in tag
    assert "Au sud" not in tag


def test_catalogue_ignores_unknown_filter_values_without_error(client):
    PracticeFactory(published=True, title="Toujours là")

    response = client.get(CATALOGUE, {"territory": "inconnu", "page": "abc", "theme": "T99"})

    assert response.status_code == 200
    assert "Toujours là" in _text(response)


def test_catalogue_shows_an_unknown_code_beside_its_field_and_ignores_it(client):
    PracticeFactory(published=True, title="Toujours là")

    response = client.get(CATALOGUE, {"theme": "T99", "tag": "logement"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"theme", "tag"}
    html = _text(response)
    assert "Thème inconnu : T99." in html
    assert "Mot-clé inconnu : logement." in html
    assert "Toujours là" in html
    assert "Identifiant (slug)" not in html  # the API's help texts stay in the API's schema


def test_catalogue_search_finds_words(client):
    PracticeFactory(published=True, title="Jardin partagé au pied des immeubles")
    PracticeFactory(published=True, title="Permanence juridique")

    html = _text(client.get(CATALOGUE, {"q": "jardin"}))

    assert "Jardin partagé" in html
    assert "Permanence juridique" not in html


def test_catalogue_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    PracticeFactory(published=True)
    with django_assert_max_num_queries(14) as one:  # + estimate and cache-tag reference
        client.get(CATALOGUE)
    for _ in range(49):
        practice = PracticeFactory(published=True)
        practice.tags.add(PracticeTagFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(CATALOGUE)
    assert response.status_code == 200


def test_catalogue_paginates(client):
    for _ in range(13):
        PracticeFactory(published=True)

    second = client.get(CATALOGUE, {"page": 2})

    assert second.status_code == 200
    assert len(second.context["cards"]) == 1


# --- Detail ---------------------------------------------------------------------------------


def test_detail_hides_contact_and_author(client):
    author = UserFactory(display_name="Jeanne Dupont", email="jeanne@exemple.fr")
    practice = PracticeFactory(published=True, author=author, contact_email="prive@exemple.fr")

    html = _text(client.get(practice.get_absolute_url()))

    assert practice.title in html
    assert practice.implementation in html
    assert "prive@exemple.fr" not in html
    assert "Jeanne Dupont" not in html
    assert "jeanne@exemple.fr" not in html


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("anonymous", False),
        ("participant", False),
        ("author", True),
        ("copil_other_territory", False),
        ("copil_member", True),
        ("copil_lead", True),
        ("national", True),
    ],
)
def test_pending_practice_detail_role_matrix(client, role, visible):
    practice = PracticeFactory()
    user = {
        "anonymous": lambda: None,
        "participant": UserFactory,
        "author": lambda: practice.author,
        "copil_other_territory": lambda: copil_member("grand-est"),
        "copil_member": lambda: copil_member("grand-sud"),
        "copil_lead": lambda: copil_member("grand-sud", role=Role.COPIL_LEAD),
        "national": national_team_member,
    }[role]()
    if user is not None:
        client.force_login(user)

    response = client.get(practice.get_absolute_url())

    assert response.status_code == (200 if visible else 404)


def test_a_draft_is_404_even_to_the_national_team(client):
    practice = PracticeFactory(draft=True)
    client.force_login(national_team_member())

    assert client.get(practice.get_absolute_url()).status_code == 404


# --- Submission in steps --------------------------------------------------------------------


def test_submission_in_steps_saves_a_draft_then_sends_it(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("practices:submit"),
        {
            "title": "Groupe de parole des aidants",
            "summary": "Un groupe mensuel pour les aidants familiaux.",
            "organisation": "CLIC du Pays d'Aix",
            "department": "13",
            "themes": ["T2"],
            "action": "next",
        },
    )
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "practices:edit-step", kwargs={"pk": practice.pk, "step": 2}
    )
    assert practice.is_draft is True
    assert Practice.objects.pending().count() == 0

    client.post(
        reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 2}),
        {
            "context": "Des aidants épuisés.",
            "people_concerned": "Aidants familiaux.",
            "actors": "CLIC, hôpital de jour.",
            "action": "next",
        },
    )
    client.post(
        reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 3}),
        {
            "implementation": "Une rencontre par mois animée par une psychologue.",
            "results": "Quinze aidants réguliers.",
            "transfer_conditions": "Une salle et une animatrice formée.",
            "action": "next",
        },
    )
    response = client.post(
        reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 4}),
        {"contact_email": "clic@exemple.fr", "action": "submit"},
    )

    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.is_draft is False
    assert practice.status == ModerationStatus.PENDING
    assert practice.contact_email == "clic@exemple.fr"
    assert practice.territory.slug == "grand-sud"


def test_submitting_an_incomplete_draft_lists_what_is_missing_with_links(client):
    practice = PracticeFactory(draft=True, results="", transfer_conditions="")
    client.force_login(practice.author)

    response = client.post(
        reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 4}),
        {"contact_email": "a@b.fr", "action": "submit"},
    )

    assert response.status_code == 400
    html = _text(response)
    assert "Renseignez « résultats et évaluation »." in html
    step3 = reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 3})
    assert f'href="{step3}"' in html
    practice.refresh_from_db()
    assert practice.is_draft is True
    assert practice.contact_email == "a@b.fr"


def test_each_step_checks_its_own_fields_as_it_is_sent(client):
    user = UserFactory()
    client.force_login(user)
    first = {
        "title": "Groupe de parole des aidants",
        "summary": "Un groupe mensuel pour les aidants familiaux.",
        "organisation": "",
        "department": "13",
    }
    response = client.post(reverse("practices:submit"), {**first, "action": "next"})
    assert response.status_code == 200
    html = _text(response)
    assert "Choisissez au moins un thème." in html
    assert "Renseignez « structure porteuse »." in html
    assert "Groupe de parole des aidants" in html  # what was typed is kept
    assert not Practice.objects.exists()

    # Saving a draft keeps an incomplete step: checks wait for "Étape suivante".
    response = client.post(reverse("practices:submit"), {**first, "action": "save"})
    assert response.status_code == 302
    practice = Practice.objects.get()
    step2 = reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 2})
    response = client.post(
        step2, {"context": "", "people_concerned": "Aidants.", "actors": "", "action": "next"}
    )
    assert response.status_code == 200
    assert "Renseignez « contexte et besoin »." in _text(response)
    assert "Aidants." in _text(response)


def test_step_form_errors_keep_what_was_typed(client):
    practice = PracticeFactory(draft=True)
    client.force_login(practice.author)

    response = client.post(
        reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 1}),
        {"title": "ab", "summary": "Résumé gardé", "department": "999", "action": "next"},
    )

    assert response.status_code == 200
    html = _text(response)
    assert "Résumé gardé" in html
    assert "Département inconnu." in html
    practice.refresh_from_db()
    assert practice.summary != "Résumé gardé"


def test_someone_else_cannot_open_my_draft(client):
    practice = PracticeFactory(draft=True)
    client.force_login(UserFactory())

    response = client.get(reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 1}))

    assert response.status_code == 404


def test_a_published_practice_is_no_longer_editable(client):
    practice = PracticeFactory(published=True)
    client.force_login(practice.author)

    response = client.post(
        reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 1}),
        {"title": "Nouveau titre", "action": "save"},
    )

    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title != "Nouveau titre"


def test_unknown_step_is_404(client):
    practice = PracticeFactory(draft=True)
    client.force_login(practice.author)

    assert (
        client.get(
            reverse("practices:edit-step", kwargs={"pk": practice.pk, "step": 9})
        ).status_code
        == 404
    )


def test_author_deletes_a_draft(client):
    practice = PracticeFactory(draft=True)
    client.force_login(practice.author)

    response = client.post(reverse("practices:delete-draft", kwargs={"pk": practice.pk}))

    assert response.status_code == 302
    assert Practice.objects.count() == 0


# --- Moderation page ------------------------------------------------------------------------


def _moderation_post(practice, **changes):
    data = {
        "title": practice.title,
        "summary": practice.summary,
        "context": practice.context,
        "people_concerned": practice.people_concerned,
        "actors": practice.actors,
        "implementation": practice.implementation,
        "results": practice.results,
        "transfer_conditions": practice.transfer_conditions,
        "organisation": practice.organisation,
        "tags": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("participant", False),
        ("author", False),
        ("copil_other_territory", False),
        ("copil_member", True),
        ("copil_lead", True),
        ("national", True),
    ],
)
def test_moderation_page_role_matrix(client, role, allowed):
    practice = PracticeFactory()
    user = {
        "participant": UserFactory,
        "author": lambda: practice.author,
        "copil_other_territory": lambda: copil_member("grand-est"),
        "copil_member": lambda: copil_member("grand-sud"),
        "copil_lead": lambda: copil_member("grand-sud", role=Role.COPIL_LEAD),
        "national": national_team_member,
    }[role]()
    client.force_login(user)
    url = reverse("practices:moderate", kwargs={"pk": practice.pk})

    get = client.get(url)
    post = client.post(url, _moderation_post(practice, decision="publish"))

    practice.refresh_from_db()
    if allowed:
        assert get.status_code == 200
        assert post.status_code == 302
        assert practice.status == ModerationStatus.PUBLISHED
    else:
        assert get.status_code == 404
        assert post.status_code == 404
        assert practice.status == ModerationStatus.PENDING


def test_anonymous_is_sent_to_login_from_the_moderation_page(client):
    practice = PracticeFactory()

    response = client.get(reverse("practices:moderate", kwargs={"pk": practice.pk}))

    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]


def test_moderation_page_shows_the_private_contact(client):
    practice = PracticeFactory(contact_email="prive@structure.example")
    client.force_login(copil_member("grand-sud"))

    html = _text(client.get(reverse("practices:moderate", kwargs={"pk": practice.pk})))

    assert "prive@structure.example" in html


def test_request_changes_without_message_re_renders_with_edits_kept(client):
    practice = PracticeFactory()
    client.force_login(copil_member("grand-sud"))

    response = client.post(
        reverse("practices:moderate", kwargs={"pk": practice.pk}),
        _moderation_post(practice, decision="request_changes", summary="Résumé retouché"),
    )

    assert response.status_code == 400
    html = _text(response)
    assert "Expliquez à l'auteur ce qu'il doit modifier." in html
    assert "Résumé retouché" in html
    practice.refresh_from_db()
    assert practice.status == ModerationStatus.PENDING
    assert practice.summary != "Résumé retouché"


def test_national_team_features_from_the_moderation_page(client):
    practice = PracticeFactory(published=True)
    client.force_login(national_team_member())

    response = client.post(
        reverse("practices:moderate", kwargs={"pk": practice.pk}),
        _moderation_post(practice, featured="on", tags="Insertion, Logement"),
    )

    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.featured is True
    assert sorted(practice.tags.values_list("name", flat=True)) == ["Insertion", "Logement"]


def test_copil_does_not_see_the_featured_checkbox(client):
    practice = PracticeFactory()
    client.force_login(copil_member("grand-sud"))

    response = client.get(reverse("practices:moderate", kwargs={"pk": practice.pk}))

    assert "featured" not in response.context["form"].fields


# --- Sharing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("participant", False),
        ("copil_other_territory", False),
        ("copil_member", True),
        ("national", True),
    ],
)
def test_share_role_matrix(client, role, allowed):
    practice = PracticeFactory(published=True)
    user = {
        "participant": UserFactory,
        "copil_other_territory": lambda: copil_member("grand-est"),
        "copil_member": lambda: copil_member("grand-sud"),
        "national": national_team_member,
    }[role]()
    client.force_login(user)
    est = Territory.objects.get(slug="grand-est")

    response = client.post(
        reverse("practices:share", kwargs={"pk": practice.pk}), {"territories": [est.pk]}
    )

    if allowed:
        assert response.status_code == 302
        assert list(PracticeShare.objects.values_list("territory__slug", flat=True)) == [
            "grand-est"
        ]
    else:
        assert response.status_code == 403
        assert PracticeShare.objects.count() == 0


def test_receiving_copil_sees_the_practice_in_shared_with_us(client):
    share = PracticeShareFactory(message="À essaimer chez vous !")
    PracticeShareFactory(territory=Territory.objects.get(slug="grand-nord"))
    client.force_login(copil_member("grand-est"))

    response = client.get(reverse("practices:shared-with-us"))

    assert response.status_code == 200
    assert [s.pk for s in response.context["shares"]] == [share.pk]
    assert "À essaimer chez vous !" in _text(response)


def test_a_participant_cannot_open_shared_with_us(client):
    client.force_login(UserFactory())

    assert client.get(reverse("practices:shared-with-us")).status_code == 403


# --- Feed and sheet ---------------------------------------------------------------------------


def test_atom_feed_lists_published_practices(client):
    PracticeFactory(published=True, title="Épicerie solidaire itinérante")
    PracticeFactory(title="En attente")

    response = client.get(reverse("practices:feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Épicerie solidaire itinérante" in body
    assert "En attente" not in body


def test_sheet_is_cached_until_the_practice_changes(client):
    practice = PracticeFactory(published=True, title="Première version")
    url = reverse("practices:sheet", kwargs={"pk": practice.pk})

    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == f'attachment; filename="pratique-{practice.pk}.pdf"'
    assert cache.get(sheet_cache_key(practice, "http://testserver")) == first.content

    practice.title = "Seconde version"
    practice.save()
    second = client.get(url)

    assert cache.get(sheet_cache_key(practice, "http://testserver")) == second.content
    assert second.content != first.content


def _pdf_text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize("path", ["/pratiques/{pk}/sheet.pdf", "/api/v1/practices/{pk}/sheet.pdf"])
def test_sheet_links_to_the_address_it_was_asked_at_when_site_url_is_unset(client, settings, path):
    settings.SITE_URL_IS_SET = False
    settings.ALLOWED_HOSTS = ["egts.exemple.fr"]
    practice = PracticeFactory(published=True)

    response = client.get(path.format(pk=practice.pk), HTTP_HOST="egts.exemple.fr", secure=True)

    assert response.status_code == 200
    text = _pdf_text(response)
    assert f"https://egts.exemple.fr/pratiques/{practice.pk}/" in text
    assert "127.0.0.1" not in text


def test_sheet_links_to_site_url_when_it_is_set(client, settings):
    settings.SITE_URL_IS_SET = True
    settings.SITE_URL = "https://participation.egts.example/"
    settings.ALLOWED_HOSTS = ["interne.egts.example"]
    practice = PracticeFactory(published=True)

    response = client.get(f"/pratiques/{practice.pk}/sheet.pdf", HTTP_HOST="interne.egts.example")

    text = _pdf_text(response)
    assert f"https://participation.egts.example/pratiques/{practice.pk}/" in text
    assert "interne.egts.example" not in text


def test_sheet_of_a_pending_practice_is_404_to_the_public(client):
    practice = PracticeFactory()

    assert client.get(reverse("practices:sheet", kwargs={"pk": practice.pk})).status_code == 404


def _sheet_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def test_sheet_of_a_pending_practice_says_it_is_not_published_and_gives_no_dead_link(client):
    practice = PracticeFactory(title="Accueil en attente")
    client.force_login(copil_member("grand-sud"))

    response = client.get(reverse("practices:sheet", kwargs={"pk": practice.pk}))

    assert response.status_code == 200
    text = _sheet_text(response.content)
    assert "Pratique non publiée" in text
    assert practice.get_absolute_url() not in text
    assert "Fiche en ligne" not in text


def test_sheet_of_a_published_practice_links_to_its_page_without_the_mark(client):
    practice = PracticeFactory(published=True)
    text = _sheet_text(client.get(reverse("practices:sheet", kwargs={"pk": practice.pk})).content)
    assert "Pratique non publiée" not in text
    assert practice.get_absolute_url() in text


def test_shared_with_us_query_count_does_not_grow(client, django_assert_max_num_queries):
    est = Territory.objects.get(slug="grand-est")
    PracticeShareFactory(territory=est)
    client.force_login(copil_member("grand-est"))
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("practices:shared-with-us"))
    for _ in range(11):
        PracticeShareFactory(territory=est)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("practices:shared-with-us"))
    assert len(response.context["shares"]) == 12


def test_detail_query_count_does_not_grow_with_attachments_and_tags(
    client, django_assert_max_num_queries
):
    from tests.factories.practices import PracticeAttachmentFactory

    practice = PracticeFactory(published=True)
    PracticeAttachmentFactory(practice=practice)
    with django_assert_max_num_queries(8) as one:
        client.get(practice.get_absolute_url())
    PracticeAttachmentFactory.create_batch(4, practice=practice)
    for _ in range(5):
        practice.tags.add(PracticeTagFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(practice.get_absolute_url())
