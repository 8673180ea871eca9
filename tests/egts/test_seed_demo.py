"""``seed_demo``: the documented demo accounts, idempotent, refused in production."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from egts.models import Membership, Role, Territory, User

pytestmark = pytest.mark.django_db

PASSWORD = "egts-demo-2014"
TERRITORY_SLUGS = [
    "grand-sud",
    "rhone-alpes-auvergne",
    "bretagne-pays-de-la-loire",
    "ile-de-france-centre",
    "sud-ouest",
    "grand-nord",
    "grand-est",
    "antilles-guyane",
    "reunion-mayotte",
]
DEMO_EMAILS = sorted(
    ["national@egts.example", "participant@egts.example"]
    + [f"copil.{slug}@egts.example" for slug in TERRITORY_SLUGS]
)


def _seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps: a second run must not add any."""
    return {
        model._meta.label: model._default_manager.count()
        for app_label in ("egts", "contributions", "practices", "assises", "account")
        for model in apps.get_app_config(app_label).get_models()
    }


def test_refused_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as error:
        _seed()

    assert str(error.value) == (
        "seed_demo est refusé quand DEBUG est désactivé : les comptes de démonstration "
        "ont un mot de passe public. Ajoutez --force pour une plateforme de recette."
    )
    assert not User.objects.exists()


def test_force_seeds_even_when_debug_is_off(settings):
    settings.DEBUG = False

    output = _seed(force=True)

    assert sorted(User.objects.values_list("email", flat=True)) == DEMO_EMAILS
    assert output.rstrip().endswith("Données de démonstration prêtes.")


def test_creates_the_documented_accounts_and_roles(settings):
    settings.DEBUG = True

    _seed()

    assert sorted(User.objects.values_list("email", flat=True)) == DEMO_EMAILS
    national = User.objects.get(email="national@egts.example")
    assert (national.is_national_team, national.is_staff, national.is_superuser) == (
        True,
        True,
        True,
    )
    assert not national.memberships.exists()
    participant = User.objects.get(email="participant@egts.example")
    assert (participant.actor_category, participant.department_id) == ("professionnels", "13")
    assert (participant.is_national_team, participant.is_staff) == (False, False)
    assert not participant.memberships.exists()
    leads = Membership.objects.order_by("territory__order").values_list(
        "user__email", "territory__slug", "role"
    )
    assert list(leads) == [
        (f"copil.{slug}@egts.example", slug, Role.COPIL_LEAD) for slug in TERRITORY_SLUGS
    ]
    assert Territory.objects.count() == len(TERRITORY_SLUGS)
    assert (
        sorted(
            EmailAddress.objects.filter(verified=True, primary=True).values_list("email", flat=True)
        )
        == DEMO_EMAILS
    )


def test_second_run_creates_nothing_new(settings):
    settings.DEBUG = True
    _seed()
    first = _row_counts()

    _seed()

    assert _row_counts() == first
    assert first["egts.User"] == 11
    assert first["egts.Membership"] == 9
    assert first["account.EmailAddress"] == 11


def test_second_run_puts_the_demo_password_back(settings):
    settings.DEBUG = True
    _seed()
    national = User.objects.get(email="national@egts.example")
    national.set_password("un-autre-mot-de-passe")
    national.save()

    _seed()

    national.refresh_from_db()
    assert national.check_password(PASSWORD)


def test_every_demo_account_signs_in_through_the_login_page(client, settings):
    settings.DEBUG = True
    _seed()

    for email in DEMO_EMAILS:
        response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
        assert response.status_code == 302, email
        assert int(client.session["_auth_user_id"]) == User.objects.get(email=email).pk
        client.logout()


def test_demo_accounts_get_an_api_token(settings):
    from rest_framework.test import APIClient

    settings.DEBUG = True
    _seed()

    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": "copil.grand-sud@egts.example", "password": PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert len(response.json()["token"]) == 40
