import factory
from allauth.account.models import EmailAddress

from egts.models import ActorCategory, Membership, Role, Territory, User

PASSWORD = "egts-demo-2014"


class UserFactory(factory.django.DjangoModelFactory):
    """A participant with a verified e-mail address and the demo password."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    display_name = factory.Sequence(lambda n: f"Personne {n}")
    actor_category = ActorCategory.PROFESSIONNELS

    class Params:
        national = factory.Trait(is_national_team=True)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    territory = factory.LazyFunction(lambda: Territory.objects.get(slug="grand-sud"))
    role = Role.COPIL_MEMBER


def copil_member(territory: Territory | str, role: str = Role.COPIL_MEMBER, **user_fields) -> User:
    """A user with ``role`` in ``territory`` (a Territory or its slug)."""
    if isinstance(territory, str):
        territory = Territory.objects.get(slug=territory)
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, territory=territory, role=role)
    return user


def national_team_member(**user_fields) -> User:
    return UserFactory(national=True, **user_fields)
