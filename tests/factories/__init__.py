"""factory_boy factories, one module per app; import them from here."""

from .egts import MembershipFactory, UserFactory, copil_member, national_team_member  # noqa: F401
