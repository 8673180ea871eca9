"""Demo accounts: the national team, one COPIL lead per territory, one participant.

Called by the ``seed_demo`` command (assises/management/commands/seed_demo.py).
Running it again creates nothing new; it only puts the demo password back, so the
accounts documented in README.md always open.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import ActorCategory, Department, Membership, Role, Territory, User

PASSWORD = "egts-demo-2014"  # noqa: S105 — published in API.md and README.md on purpose
NATIONAL_EMAIL = "national@egts.example"
PARTICIPANT_EMAIL = "participant@egts.example"


def copil_email(territory: Territory) -> str:
    return f"copil.{territory.slug}@egts.example"


def _account(email: str, password_hash: str, **fields) -> tuple[User, bool]:
    user, created = User.objects.update_or_create(
        email=email, defaults={**fields, "password": password_hash}
    )
    # A verified primary address: allauth's mandatory verification lets them in at once.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


@transaction.atomic
def seed(*, log: Callable[[str], None]) -> None:
    # One hash shared by every demo account: the password is public anyway, and hashing
    # it once instead of eleven times keeps `make run` and the tests fast.
    password_hash = make_password(PASSWORD)
    created = 0
    _user, is_new = _account(
        NATIONAL_EMAIL,
        password_hash,
        display_name="Équipe projet nationale",
        # The national role is what lets it act (egts/rules.py); the superuser flag only
        # opens the technical administration (Django admin), part of the demonstration,
        # and takes no COPIL lead's decision (User.has_perm).
        is_national_team=True,
        is_staff=True,
        is_superuser=True,
    )
    created += is_new
    for territory in Territory.objects.order_by("order", "name"):
        user, is_new = _account(
            copil_email(territory), password_hash, display_name=f"Pilote du COPIL {territory.name}"
        )
        created += is_new
        Membership.objects.update_or_create(
            user=user, territory=territory, defaults={"role": Role.COPIL_LEAD}
        )
    _user, is_new = _account(
        PARTICIPANT_EMAIL,
        password_hash,
        display_name="Participante de démonstration",
        actor_category=ActorCategory.PROFESSIONNELS,
        department=Department.objects.get(code="13"),
    )
    created += is_new
    log(
        f"Comptes de démonstration : {created} créés, mot de passe « {PASSWORD} » "
        f"pour {User.objects.filter(email__endswith='@egts.example').count()} comptes."
    )
