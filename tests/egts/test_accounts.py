"""Accounts: allauth pages in DSFR and French, e-mails, lockout, profile."""

import html as html_lib
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from egts.models import ActorCategory, Department, User
from tests.factories.egts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Une-phrase-secrete-2014"


def h1_of(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", match.group(1)).strip())


def label_for(html: str, field_id: str) -> str:
    match = re.search(rf'<label class="fr-label" for="{field_id}">(.*?)</label>', html, re.S)
    assert match, f"no label for {field_id}"
    text = re.sub(r'<span class="fr-hint-text".*?</span>', "", match.group(1), flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))).strip()


def first_link(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


def test_login_page_is_in_french_with_dsfr_fields(client):
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert h1_of(response) == "Se connecter"
    assert label_for(html, "id_login") == "Adresse électronique"
    assert label_for(html, "id_password") == "Mot de passe"
    assert 'class="fr-input"' in html
    assert '<button type="submit" class="fr-btn">Se connecter</button>' in html
    assert f'href="{reverse("account_reset_password")}"' in html


def test_failed_login_shows_an_error_and_keeps_the_email(client):
    UserFactory(email="agnes@exemple.fr")
    response = client.post(
        reverse("account_login"), {"login": "agnes@exemple.fr", "password": "mauvais"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="login-error"' in html
    assert 'value="agnes@exemple.fr"' in html
    assert "_auth_user_id" not in client.session


def test_login_and_logout_with_the_real_forms(client):
    user = UserFactory(email="bruno@exemple.fr")
    response = client.post(
        reverse("account_login"), {"login": "bruno@exemple.fr", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_too_many_failed_logins_show_the_lockout_page_then_keep_refusing(client, settings):
    UserFactory(email="chloe@exemple.fr")
    credentials = {"login": "chloe@exemple.fr", "password": "mauvais"}
    statuses = [
        client.post(reverse("account_login"), credentials).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT - 1)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(reverse("account_login"), credentials)
    assert response.status_code == 429
    assert h1_of(response) == "Trop de tentatives de connexion"
    assert "bloquée pendant 30 minutes après 5 essais infructueux" in response.content.decode()
    # Even the right password is refused now, with the same page and the same duration.
    response = client.post(
        reverse("account_login"), {"login": "chloe@exemple.fr", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "bloquée pendant 30 minutes après 5 essais infructueux" in response.content.decode()
    assert "quelques minutes" not in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_duration_is_read_from_the_axes_setting_on_every_attempt(client, settings):
    settings.AXES_COOLOFF_TIME = 2  # hours
    UserFactory(email="celia@exemple.fr")
    credentials = {"login": "celia@exemple.fr", "password": "mauvais"}
    responses = [
        client.post(reverse("account_login"), credentials)
        for _ in range(settings.AXES_FAILURE_LIMIT + 2)
    ]
    locked = responses[settings.AXES_FAILURE_LIMIT - 1 :]
    assert [response.status_code for response in locked] == [429, 429, 429]
    for response in locked:
        message = re.sub(r"\s+", " ", response.content.decode())
        assert "bloquée pendant 120 minutes après 5 essais infructueux" in message


def test_allauths_limit_for_an_email_from_another_address_says_how_long_it_holds(settings):
    """allauth stops 5 failures for one e-mail from any address for 5 minutes (its default
    rate), and says so, rather than "quelques minutes"."""
    from django.test import Client

    UserFactory(email="cyril@exemple.fr")
    for number in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"203.0.113.{number}").post(
            reverse("account_login"), {"login": "cyril@exemple.fr", "password": "mauvais"}
        )
    response = Client(REMOTE_ADDR="198.51.100.7").post(
        reverse("account_login"), {"login": "cyril@exemple.fr", "password": PASSWORD}
    )
    page = html_lib.unescape(re.sub(r"\s+", " ", response.content.decode()))
    assert response.status_code == 200
    assert "suspendue pendant 5 minutes au plus" in page
    assert "quelques minutes" not in page


def test_signup_page_is_in_french(client):
    response = client.get(reverse("account_signup"))
    html = response.content.decode()
    assert h1_of(response) == "Créer un compte"
    assert label_for(html, "id_email") == "Adresse électronique"
    assert label_for(html, "id_password1") == "Mot de passe"
    assert label_for(html, "id_password2") == "Confirmation du mot de passe"
    assert f'href="{reverse("participation-charter")}"' in html


def test_invalid_signup_links_each_error_to_its_field_and_keeps_the_email(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "denis@exemple.fr", "password1": "court", "password2": "autre"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="denis@exemple.fr"' in html
    # The field is described by its hint, then by its error.
    described = 'aria-describedby="id_password1_helptext id_password1-desc-error"'
    assert re.search(described + r'[^>]*aria-invalid="true"', html) or (
        re.search(r'aria-invalid="true"[^>]*' + described, html)
    )
    assert 'id="id_password1_helptext"' in html
    assert 'id="id_password1-desc-error"' in html
    assert "fr-input-group--error" in html
    assert not User.objects.filter(email="denis@exemple.fr").exists()


def test_signup_sends_a_french_verification_email_whose_link_signs_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "elise@exemple.fr", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert h1_of(client.get(response["Location"])) == "Confirmez votre adresse électronique"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[EGTS] Confirmez votre adresse électronique"
    assert message.to == ["elise@exemple.fr"]
    assert message.body.startswith("Bonjour,\n")
    assert "Pour confirmer votre adresse et activer votre compte, ouvrez ce lien :" in message.body
    link = first_link(message.body)
    confirm_page = client.get(link)
    assert h1_of(confirm_page) == "Confirmer l'adresse électronique"
    response = client.post(link)
    assert response.status_code == 302
    user = User.objects.get(email="elise@exemple.fr")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified is True


def test_password_reset_flow_in_french(client):
    UserFactory(email="fanny@exemple.fr")
    response = client.get(reverse("account_reset_password"))
    assert h1_of(response) == "Mot de passe oublié"
    response = client.post(reverse("account_reset_password"), {"email": "fanny@exemple.fr"})
    assert response.status_code == 302
    assert h1_of(client.get(response["Location"])) == "Courriel envoyé"
    message = mail.outbox[0]
    assert message.subject == "[EGTS] Choisir un nouveau mot de passe"
    assert "Pour choisir un nouveau mot de passe, ouvrez ce lien :" in message.body
    response = client.get(first_link(message.body), follow=True)
    assert h1_of(response) == "Choisir un nouveau mot de passe"
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert h1_of(response) == "Mot de passe modifié"
    assert User.objects.get(email="fanny@exemple.fr").check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_tells_nothing_and_mails_in_french(client):
    response = client.post(reverse("account_reset_password"), {"email": "inconnu@exemple.fr"})
    assert response.status_code == 302
    assert mail.outbox[0].subject == "[EGTS] Aucun compte à cette adresse"


def test_invalid_password_reset_link_says_so(client):
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "faux"}),
        follow=True,
    )
    assert h1_of(response) == "Lien invalide"


def test_password_change_and_email_pages_render_in_dsfr(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("account_change_password"))
    assert h1_of(response) == "Changer de mot de passe"
    assert label_for(response.content.decode(), "id_oldpassword") == "Mot de passe actuel"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    response = client.get(reverse("account_email"))
    assert h1_of(response) == "Adresses électroniques"
    assert f'value="{user.email}"' in response.content.decode()


def test_wrong_current_password_is_reported_on_its_field(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "faux", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'aria-describedby="id_oldpassword-desc-error"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- Profile -----------------------------------------------------------------------------------


def test_profile_requires_login(client):
    response = client.get(reverse("account-profile"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('account-profile')}"


def test_profile_shows_the_form_with_every_department(client):
    client.force_login(UserFactory())
    response = client.get(reverse("account-profile"))
    html = response.content.decode()
    assert h1_of(response) == "Mon profil"
    select = re.search(r'<select name="department"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert select.count("<option") == 102  # the empty choice and 101 departments
    assert Department.objects.count() == 101


def test_profile_saves_and_confirms(client):
    user = UserFactory(actor_category=ActorCategory.PROFESSIONNELS)
    client.force_login(user)
    response = client.post(
        reverse("account-profile"),
        {
            "display_name": "Gaëlle",
            "actor_category": ActorCategory.BENEVOLES,
            "department": "2A",
            "organisation": "Secours local",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("account-profile"), 302)]
    assert "Votre profil a été enregistré." in response.content.decode()
    user.refresh_from_db()
    assert (user.display_name, user.actor_category, user.department_id, user.organisation) == (
        "Gaëlle",
        "benevoles",
        "2A",
        "Secours local",
    )


def test_invalid_profile_re_renders_with_input_and_per_field_errors(client):
    user = UserFactory(display_name="Avant")
    client.force_login(user)
    response = client.post(
        reverse("account-profile"),
        {
            "display_name": "Hugo",
            "actor_category": "astronaute",
            "department": "999",
            "organisation": "x" * 201,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Hugo"' in html
    for field in ("actor_category", "department", "organisation"):
        assert f'aria-describedby="id_{field}-desc-error"' in html
        assert f'id="id_{field}-desc-error"' in html
    user.refresh_from_db()
    assert user.display_name == "Avant"


def test_allauths_rate_limit_answers_the_dsfr_429_page_in_french(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "1/m/ip"}
    data = {"email": "dora@exemple.fr", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    client.post(reverse("account_signup"), data)
    response = client.post(reverse("account_signup"), {**data, "email": "dora2@exemple.fr"})
    page = response.content.decode()
    assert response.status_code == 429
    assert "fr-header" in page and "fr-footer" in page
    assert h1_of(response) == "Trop de demandes"
    assert "Too Many Requests" not in page
