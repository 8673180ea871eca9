"""The participant's own space: sections, JSON export and account deletion, via the registry."""

import datetime
import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from egts import participant
from egts.models import User
from egts.participant import ParticipantItem, Section
from tests.factories.egts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SUBMITTED = timezone.make_aware(datetime.datetime(2014, 3, 12, 10, 0))


@pytest.fixture
def registry(monkeypatch):
    """An empty registry the test fills itself, so the apps' own entries do not interfere."""
    sections, exports, erasures = {}, {}, {}
    monkeypatch.setattr(participant, "SECTIONS", sections)
    monkeypatch.setattr(participant, "EXPORTS", exports)
    monkeypatch.setattr(participant, "ERASURES", erasures)
    return sections, exports, erasures


def items_for(user):
    return [
        ParticipantItem(
            kind="contribution",
            title="Mieux accueillir les familles",
            status="published",
            status_label="Publiée",
            submitted_at=SUBMITTED,
            url="/contributions/1/",
        ),
        ParticipantItem(
            kind="contribution",
            title="Un texte à revoir",
            status="changes_requested",
            status_label="Modifications demandées",
            submitted_at=SUBMITTED,
            edit_url="/contributions/2/modifier/",
            message="Merci de retirer le nom de la structure.",
        ),
        ParticipantItem(
            kind="contribution",
            title="Publicité",
            status="rejected",
            status_label="Refusée",
            submitted_at=SUBMITTED,
            reason="Publicité ou spam",
            message="Ce texte fait la promotion d'un produit.",
        ),
    ]


@pytest.mark.parametrize(
    "url_name", ["participant-space", "participant-export", "account-delete", "account-profile"]
)
def test_participant_pages_require_login(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_space_renders_every_registered_section_with_status_reason_and_edit_link(client, registry):
    sections, _, _ = registry
    sections["essai"] = Section("essai", "Mes contributions d'essai", items_for)
    sections["vide"] = Section("vide", "Mes pratiques", lambda user: [])
    client.force_login(UserFactory())
    response = client.get(reverse("participant-space"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="section-essai-title">Mes contributions d&#x27;essai</h2>' in html
    assert '<h2 id="section-vide-title">Mes pratiques</h2>' in html
    assert '<p class="fr-badge fr-badge--sm fr-badge--success">Publiée</p>' in html
    assert '<p class="fr-badge fr-badge--sm fr-badge--warning">Modifications demandées</p>' in html
    assert '<p class="fr-badge fr-badge--sm fr-badge--error">Refusée</p>' in html
    assert "Publicité ou spam" in html
    assert "Ce texte fait la promotion d&#x27;un produit." in html
    assert html.count('href="/contributions/2/modifier/"') == 1
    assert '<a href="/contributions/1/">Mieux accueillir les familles</a>' in html
    assert "Déposé le 12 mars 2014" in html
    assert "Rien pour l'instant." in html


def test_space_items_are_read_for_the_signed_in_user_only(client, registry):
    sections, _, _ = registry
    seen = []
    sections["essai"] = Section("essai", "Essai", lambda user: seen.append(user.pk) or [])
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("participant-space"))
    assert seen == [user.pk]


def test_export_downloads_the_profile_and_every_registered_export(client, registry):
    _, exports, _ = registry
    exports["contributions"] = lambda user: [{"title": "Mieux accueillir", "author": user.email}]
    exports["practices"] = lambda user: []
    user = UserFactory(email="ines@exemple.fr", display_name="Inès", organisation="CCAS")
    client.force_login(user)
    response = client.get(reverse("participant-export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="egts-mes-donnees-')
    data = json.loads(response.content)
    assert set(data) == {"exported_at", "profile", "contributions", "practices"}
    assert data["profile"]["email"] == "ines@exemple.fr"
    assert data["profile"]["display_name"] == "Inès"
    assert data["profile"]["organisation"] == "CCAS"
    assert data["profile"]["email_addresses"] == [
        {"email": "ines@exemple.fr", "verified": True, "primary": True}
    ]
    assert data["contributions"] == [{"title": "Mieux accueillir", "author": "ines@exemple.fr"}]
    assert data["practices"] == []


def test_delete_page_asks_for_the_password(client):
    client.force_login(UserFactory())
    response = client.get(reverse("account-delete"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="password"' in html
    assert "Cette action est définitive" in html


def test_wrong_password_deletes_nothing_and_erases_nothing(client, registry):
    _, _, erasures = registry
    erased = []
    erasures["essai"] = erased.append
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account-delete"), {"password": "faux", "confirm": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le mot de passe est incorrect." in html
    assert 'aria-describedby="id_password-desc-error"' in html
    assert erased == []
    assert User.objects.filter(pk=user.pk).exists()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_missing_confirmation_is_reported_on_its_field(client, registry):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account-delete"), {"password": PASSWORD})
    assert response.status_code == 200
    assert 'id="id_confirm-desc-error"' in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_deletion_runs_every_erasure_deletes_account_and_email_and_logs_out(client, registry):
    _, _, erasures = registry
    erased = []
    erasures["contributions"] = lambda user: erased.append(("contributions", user.pk))
    erasures["practices"] = lambda user: erased.append(("practices", user.pk))
    user = UserFactory(email="jules@exemple.fr")
    user_pk = user.pk
    client.force_login(user)
    response = client.post(
        reverse("account-delete"), {"password": PASSWORD, "confirm": "on"}, follow=True
    )
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Votre compte et vos données ont été supprimés." in response.content.decode()
    assert erased == [("contributions", user_pk), ("practices", user_pk)]
    assert not User.objects.filter(pk=user_pk).exists()
    assert not EmailAddress.objects.filter(email="jules@exemple.fr").exists()
    assert "_auth_user_id" not in client.session


def test_failing_erasure_leaves_the_account_intact(client, registry):
    _, _, erasures = registry

    def broken(user):
        User.objects.filter(pk=user.pk).update(display_name="à moitié effacé")
        raise RuntimeError("disque plein")

    erasures["essai"] = broken
    user = UserFactory(display_name="Karim")
    client.force_login(user)
    client.raise_request_exception = False
    response = client.post(reverse("account-delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 500
    user.refresh_from_db()
    assert user.display_name == "Karim"
    assert EmailAddress.objects.filter(user=user).exists()


def test_apps_registered_with_the_real_registry_are_rendered(client):
    """Without monkeypatching: whatever the installed apps registered shows up, titled."""
    client.force_login(UserFactory())
    html = client.get(reverse("participant-space")).content.decode()
    for section in participant.SECTIONS.values():
        assert f'id="section-{section.key}-title"' in html
