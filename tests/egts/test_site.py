"""The public site shell: home, démarche, territories, mandatory pages, errors, admin."""

import datetime
import html as html_lib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egts import views
from egts.models import ActorCategory, Region, Role, Stage, Territory
from tests.factories.egts import UserFactory, copil_member, national_team_member

pytestmark = pytest.mark.django_db


def h1_of(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "no <h1> on the page"
    return html_lib.unescape(re.sub(r"\s+", " ", match.group(1)).strip())


def title_of(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", match.group(1)).strip())


def add_territories(count: int, start: int = 0) -> None:
    """Extra territories, each with one region, to show the list does not query per row."""
    for index in range(start, start + count):
        territory = Territory.objects.create(
            slug=f"essai-{index}",
            code=f"ESSAI-{index}",
            name=f"Territoire d'essai {index}",
            wave="second",
            order=100 + index,
            theme_id="T1",
            policy_id="P1",
        )
        Region.objects.create(code=f"Z{index:02d}", name=f"Région {index}", territory=territory)


@pytest.mark.parametrize(
    ("url_name", "heading", "title"),
    [
        ("home", "États généraux du travail social : donnez votre avis", "Accueil"),
        ("demarche", "La démarche des États généraux du travail social", "La démarche"),
        ("territory-list", "Les neuf territoires des assises", "Les territoires"),
        ("footer-legal-notice", "Mentions légales", "Mentions légales"),
        (
            "footer-accessibility-status",
            "Déclaration d'accessibilité",
            "Déclaration d'accessibilité",
        ),
        ("footer-personal-data", "Données personnelles", "Données personnelles"),
        ("footer-cookie-management", "Gestion des cookies", "Gestion des cookies"),
        ("footer-sitemap", "Plan du site", "Plan du site"),
        (
            "participation-charter",
            "Charte de participation et de modération",
            "Charte de participation et de modération",
        ),
    ],
)
def test_public_page_renders_with_its_french_heading_and_title(client, url_name, heading, title):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert h1_of(response) == heading
    assert title_of(response) == f"{title} — États généraux du travail social"


def test_home_shows_current_stage_three_ways_to_take_part_and_nine_territories(client):
    response = client.get(reverse("home"))
    html = response.content.decode()
    current = Stage.objects.all().current()
    assert current.code == "suivi"
    assert f'<p class="fr-callout__text" id="current-stage">{current.label}</p>' in html
    for label in ("Déposer une contribution", "Répondre au questionnaire", "Partager une pratique"):
        assert label in html
    assert html.count('class="fr-tile__title"') == 9
    assert f'href="{reverse("territory-detail", args=["grand-sud"])}"' in html


def test_home_current_stage_follows_the_calendar(client):
    Stage.objects.filter(code__in=["egts", "suivi"]).update(starts=datetime.date(2999, 1, 1))
    html = client.get(reverse("home")).content.decode()
    label = Stage.objects.get(code="assises-territoriales").label
    assert f'id="current-stage">{label}</p>' in html


def test_demarche_lists_actor_categories_stages_and_marks_the_current_one(client):
    Stage.objects.filter(code__in=["egts", "suivi"]).update(starts=datetime.date(2999, 1, 1))
    response = client.get(reverse("demarche"))
    html = response.content.decode()
    actors = re.search(r'<ul id="actor-categories">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", actors) == [
        label.replace("'", "&#x27;") for label in ActorCategory.labels
    ]
    assert 'data-fr-current-step="3" data-fr-steps="5"' in html
    current = re.findall(r'<li class="egts-timeline__step[^"]*" aria-current="step">', html)
    assert len(current) == 1
    assert "Validation et ajustement des éléments du prédiagnostic" in html
    assert "Suivi du plan d&#x27;actions (CSTS)" in html
    for anchor in ("contexte", "enjeux", "objectifs", "principes", "acteurs", "calendrier"):
        assert f'id="{anchor}"' in html


def test_territory_list_shows_each_territory_with_regions_theme_and_dates(client):
    html = client.get(reverse("territory-list")).content.decode()
    assert html.count('<tr id="territory-') == 9
    grand_sud = re.search(r'<tr id="territory-grand-sud">(.*?)</tr>', html, re.S).group(1)
    assert "Corse, Languedoc-Roussillon, Provence-Alpes-Côte d&#x27;Azur" in grand_sud
    assert "Place des usagers × Hébergement / logement" in grand_sud
    assert "Assises le 27 juin 2014" in grand_sud
    assert "À confirmer" not in grand_sud
    sud_ouest = re.search(r'<tr id="territory-sud-ouest">(.*?)</tr>', html, re.S).group(1)
    assert "À confirmer" in sud_ouest
    antilles = re.search(r'<tr id="territory-antilles-guyane">(.*?)</tr>', html, re.S).group(1)
    assert "Outre-mer" in antilles


def test_territory_list_query_count_does_not_grow_with_rows(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # measure the view itself, not the page cache
    add_territories(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("territory-list")).status_code == 200
    add_territories(49, start=1)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("territory-list"))
    assert response.content.decode().count('<tr id="territory-') == 59
    assert len(fifty) == len(one)
    assert len(one) == 2  # territories with theme and policy, then their regions


def test_territory_detail_shows_regions_departments_theme_and_place(
    client, settings, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    # territory, its regions, their departments, its local actions (none: no indicator query)
    with django_assert_num_queries(4):
        response = client.get(reverse("territory-detail", args=["grand-sud"]))
    html = response.content.decode()
    assert h1_of(response) == "Grand Sud"
    assert '<dd id="territory-theme">Place des usagers</dd>' in html
    assert '<dd id="territory-policy">Hébergement / logement</dd>' in html
    assert '<dd id="territory-assises">27 juin 2014</dd>' in html
    assert '<dd id="territory-place">Marseille</dd>' in html
    assert '<h3 class="fr-h5">Corse</h3>' in html
    assert "<li>Corse-du-Sud (2A)</li>" in html
    assert "<li>Bouches-du-Rhône (13)</li>" in html
    assert "À confirmer" not in html
    assert reverse("territory-edit", args=["grand-sud"]) not in html


def test_anonymous_public_pages_are_served_from_cache_without_queries(
    client, django_assert_num_queries
):
    for name in ("home", "demarche", "territory-list", "footer-sitemap"):
        first = client.get(reverse(name))
        with django_assert_num_queries(0):
            second = client.get(reverse(name))
        assert second.content == first.content
        assert second["X-Cache"] == "hit"


def test_editing_a_territory_makes_cached_public_pages_stale(
    client, django_capture_on_commit_callbacks
):
    from django.test import Client

    anonymous = Client()
    assert "Nice" not in anonymous.get(reverse("territory-list")).content.decode()
    client.force_login(national_team_member())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("territory-edit", args=["grand-sud"]), EDIT_DATA)
    grand_sud = re.search(
        r'<tr id="territory-grand-sud">(.*?)</tr>',
        anonymous.get(reverse("territory-list")).content.decode(),
        re.S,
    ).group(1)
    assert "Assises le 30 juin 2014, Nice" in grand_sud


def test_territory_detail_flags_placeholder_theme(client):
    html = client.get(reverse("territory-detail", args=["sud-ouest"])).content.decode()
    assert "À confirmer : ce couple thème × politique" in html


def test_unknown_territory_is_a_french_404(client):
    response = client.get(reverse("territory-detail", args=["atlantide"]))
    assert response.status_code == 404
    assert h1_of(response) == "Page non trouvée"


# --- Editing a territory: national team only -------------------------------------------------

EDIT_DATA = {
    "theme": "T2",
    "policy": "P3",
    "work_starts_on": "2014-01-15",
    "assises_date": "2014-06-30",
    "dates_note": "Journée préparatoire en janvier",
    "place": "Nice",
}


def territory_snapshot(slug):
    return Territory.objects.filter(slug=slug).values(
        "theme_id", "policy_id", "place", "assises_date", "dates_note", "theme_is_placeholder"
    )[0]


@pytest.mark.parametrize(
    "who",
    ["anonymous", "participant", "copil_member_here", "copil_lead_here", "copil_member_elsewhere"],
)
def test_only_the_national_team_may_edit_a_territory(client, who):
    before = territory_snapshot("grand-sud")
    url = reverse("territory-edit", args=["grand-sud"])
    if who == "participant":
        client.force_login(UserFactory())
    elif who == "copil_member_here":
        client.force_login(copil_member("grand-sud"))
    elif who == "copil_lead_here":
        client.force_login(copil_member("grand-sud", role=Role.COPIL_LEAD))
    elif who == "copil_member_elsewhere":
        client.force_login(copil_member("sud-ouest"))
    get_response = client.get(url)
    post_response = client.post(url, EDIT_DATA)
    if who == "anonymous":
        assert get_response.status_code == 302
        assert post_response["Location"] == f"{reverse('account_login')}?next={url}"
    else:
        assert get_response.status_code == 403
        assert post_response.status_code == 403
        assert h1_of(post_response) == "Accès refusé"
    assert territory_snapshot("grand-sud") == before


def test_national_team_edits_a_territory_and_sees_a_success_message(client):
    client.force_login(national_team_member())
    detail_url = reverse("territory-detail", args=["grand-sud"])
    assert reverse("territory-edit", args=["grand-sud"]) in client.get(detail_url).content.decode()
    response = client.post(
        reverse("territory-edit", args=["grand-sud"]),
        {**EDIT_DATA, "theme_is_placeholder": "on"},
        follow=True,
    )
    assert response.redirect_chain == [(detail_url, 302)]
    assert "Le territoire « Grand Sud » a été mis à jour." in response.content.decode()
    assert territory_snapshot("grand-sud") == {
        "theme_id": "T2",
        "policy_id": "P3",
        "place": "Nice",
        "assises_date": datetime.date(2014, 6, 30),
        "dates_note": "Journée préparatoire en janvier",
        "theme_is_placeholder": True,
    }


def test_territory_edit_rejects_assises_before_the_work_starts_and_keeps_the_input(client):
    client.force_login(national_team_member())
    before = territory_snapshot("grand-sud")
    response = client.post(
        reverse("territory-edit", args=["grand-sud"]),
        {**EDIT_DATA, "work_starts_on": "2014-07-01", "place": "Toulon"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Les assises ne peuvent pas avoir lieu avant le début des travaux." in html
    assert 'aria-describedby="id_assises_date-desc-error"' in html
    assert 'value="Toulon"' in html
    assert territory_snapshot("grand-sud") == before


def test_territory_edit_reports_an_unparseable_date_per_field(client):
    client.force_login(national_team_member())
    response = client.post(
        reverse("territory-edit", args=["grand-sud"]), {**EDIT_DATA, "assises_date": "bientôt"}
    )
    assert response.status_code == 200
    assert "Saisissez une date valide." in response.content.decode()


# --- Header ------------------------------------------------------------------------------------


def test_header_for_anonymous_visitor(client):
    html = client.get(reverse("territory-list")).content.decode()
    assert f'href="{reverse("account_login")}">Se connecter</a>' in html
    assert f'href="{reverse("account_signup")}">Créer un compte</a>' in html
    assert "Mes contributions" not in html
    assert "Espace COPIL" not in html
    assert (
        f'<a class="fr-nav__link" href="{reverse("territory-list")}" aria-current="page">'
        "Les territoires</a>" in html
    )
    assert html.count('aria-current="page"') == 2  # the menu and the breadcrumb
    for target in ("#content", "#fr-navigation", "#footer"):
        assert f'href="{target}"' in html


def test_header_for_participant_has_logout_form_and_their_space_but_no_back_office(client):
    client.force_login(UserFactory())
    html = client.get(reverse("home")).content.decode()
    assert f'<form method="post" action="{reverse("account_logout")}">' in html
    assert "Se déconnecter</button>" in html
    assert f'href="{reverse("participant-space")}"' in html
    assert "Espace COPIL" not in html


@pytest.mark.parametrize("who", ["national", "copil"])
def test_header_shows_back_office_link_to_back_office_users(client, who):
    user = national_team_member() if who == "national" else copil_member("grand-sud")
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    back_office_url = reverse("assises:home")
    assert f'href="{back_office_url}"' in html
    assert "Espace COPIL</a>" in html


def test_footer_has_the_mandatory_links_and_accessibility_status(client):
    html = client.get(reverse("home")).content.decode()
    for name in (
        "footer-sitemap",
        "footer-accessibility-status",
        "footer-legal-notice",
        "footer-personal-data",
        "footer-cookie-management",
        "participation-charter",
    ):
        assert f'href="{reverse(name)}"' in html
    assert "Accessibilité\u00a0: partiellement conforme" in html


# --- Mandatory pages ---------------------------------------------------------------------------


def test_legal_notice_names_publisher_license_and_marks_placeholders(client):
    html = client.get(reverse("footer-legal-notice")).content.decode()
    assert "Direction générale de la cohésion sociale (DGCS)" in html
    assert "Licence Ouverte 2.0" in html
    assert html.count("compléter</span>") == 2  # director and hosting still to be filled in


def test_accessibility_statement_follows_the_official_model(client):
    html = client.get(reverse("footer-accessibility-status")).content.decode()
    assert "<strong>partiellement conforme</strong>" in html
    assert "Établie le 23 novembre 2026." in html
    for heading in (
        "État de conformité",
        "Contenus non accessibles",
        "Environnement de test",
        "Voie de recours",
        "Schéma pluriannuel de mise en accessibilité",
    ):
        assert f"{heading}</h" in html
    assert "Défenseur des droits" in html


def test_personal_data_notice_covers_article_13_and_self_service(client):
    html = client.get(reverse("footer-personal-data")).content.decode()
    assert "article 6.1.e du RGPD" in html
    assert 'id="sensitive-data-warning"' in html
    assert "Commission nationale de l'informatique et des libertés (CNIL)" in html
    assert f'href="{reverse("participant-export")}"' in html
    assert f'href="{reverse("account-delete")}"' in html
    for anchor in ("responsable", "dpo", "finalites", "base-legale", "conservation", "droits"):
        assert f'id="{anchor}"' in html


def test_cookie_page_lists_only_technical_cookies(client):
    html = client.get(reverse("footer-cookie-management")).content.decode()
    table = re.search(r'<table id="cookies">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r"<tr><td>(\w+)</td>", table) == ["sessionid", "csrftoken", "messages"]


def test_sitemap_links_every_public_page_and_territory(client):
    html = client.get(reverse("footer-sitemap")).content.decode()
    for name in (
        "home",
        "demarche",
        "territory-list",
        "participation-charter",
        "account_login",
        "account_signup",
        "footer-legal-notice",
        "footer-accessibility-status",
        "footer-personal-data",
        "footer-cookie-management",
    ):
        assert f'href="{reverse(name)}"' in html
    for slug in Territory.objects.values_list("slug", flat=True):
        assert f'href="{reverse("territory-detail", args=[slug])}"' in html


def test_charter_explains_every_rejection_reason(client):
    from egts.moderation import RejectReason

    html = client.get(reverse("participation-charter")).content.decode()
    for label in RejectReason.labels:
        assert f'<dt class="fr-text--bold">{label}</dt>' in html


# --- Error pages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "status", "heading"),
    [
        (views.bad_request, 400, "Requête incorrecte"),
        (views.permission_denied, 403, "Accès refusé"),
        (views.page_not_found, 404, "Page non trouvée"),
        (views.too_many_requests, 429, "Trop de demandes"),
    ],
)
def test_error_pages_are_french_with_a_link_home(rf, handler, status, heading):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/quelque-part/")
    request.user = AnonymousUser()
    response = handler(request, Exception("boom"))
    assert response.status_code == status
    assert h1_of(response) == heading
    assert '<a class="fr-btn" href="/">Page d\'accueil</a>' in response.content.decode()


def test_server_error_page_renders_without_request_context_or_database(
    rf, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert h1_of(response) == "Erreur inattendue"
    assert '<a class="fr-btn" href="/">Page d\'accueil</a>' in response.content.decode()


def test_unknown_url_gets_the_404_page(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert h1_of(response) == "Page non trouvée"


# --- Django admin ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "user",
        "membership",
        "territory",
        "region",
        "department",
        "theme",
        "policy",
        "stage",
        "moderationdecision",
    ],
)
def test_technical_admin_lists_every_egts_model(admin_client, model):
    assert admin_client.get(reverse(f"admin:egts_{model}_changelist")).status_code == 200


def test_admin_user_change_form_and_moderation_log_is_read_only(admin_client):
    user = UserFactory()
    assert admin_client.get(reverse("admin:egts_user_change", args=[user.pk])).status_code == 200
    assert admin_client.get(reverse("admin:egts_moderationdecision_add")).status_code == 403
