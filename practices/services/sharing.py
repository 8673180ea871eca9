"""Sharing a published practice between territories."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egts.models import Territory

from ..models import Practice, PracticeShare


@transaction.atomic
def practice_share(
    *,
    practice: Practice,
    shared_by,
    territories: Iterable[Territory],
    message: str = "",
) -> list[PracticeShare]:
    """Offer a published practice to other territories' workspaces; sharing twice is harmless."""
    if not shared_by.has_perm("practices.share_practice", practice):
        raise PermissionDenied
    territories = [t for t in territories if t.pk != practice.territory_id]
    if not territories:
        raise ValidationError(
            {
                "territories": [
                    _("Choisissez au moins un autre territoire que celui de la pratique.")
                ]
            }
        )
    already = set(
        PracticeShare.objects.filter(practice=practice, territory__in=territories).values_list(
            "territory_id", flat=True
        )
    )
    shares = [
        PracticeShare(
            practice=practice,
            territory=territory,
            shared_by=shared_by,
            message=(message or "").strip(),
        )
        for territory in territories
        if territory.pk not in already
    ]
    PracticeShare.objects.bulk_create(shares, ignore_conflicts=True)
    return shares
