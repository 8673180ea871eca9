"""Asking for a recomputation: the request is recorded and a Celery task does the work."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from egts.models import Territory

from ..models import Computation


@transaction.atomic
def results_refresh_request(*, territory: Territory | None, requested_by) -> Computation:
    """Queue the recomputation of one scope (None: national), after the commit."""
    if requested_by is not None and not requested_by.has_perm(
        "consensus.refresh_results", territory
    ):
        raise PermissionDenied
    from ..results import scope_of
    from ..tasks import compute_results

    computation, _created = Computation.objects.get_or_create(
        scope=scope_of(territory), defaults={"territory": territory}
    )
    computation.requested_at = timezone.now()
    computation.save(update_fields=["requested_at"])
    territory_id = territory.pk if territory is not None else None
    transaction.on_commit(lambda: compute_results.delay(territory_id))
    return computation
