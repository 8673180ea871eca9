"""What every territorial model shares: visibility by the user's territories."""

from __future__ import annotations

from django.db import models


def _is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


class TerritorialQuerySet(models.QuerySet):
    """Objects of a territory: national team sees all, members their territories."""

    def for_territory(self, territory):
        if territory is None:
            return self.filter(territory__isnull=True)
        return self.filter(territory=territory)

    def visible_to(self, user):
        from egts.rules import member_territory_ids

        if not _is_signed_in(user):
            return self.none()
        if user.is_national_team:
            return self
        return self.filter(territory_id__in=member_territory_ids(user))
