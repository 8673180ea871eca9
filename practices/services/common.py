"""What the practices' services share: the fields an author sets, the flags, the checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from egts import resubmission
from egts.cache import expire_public_tags
from egts.moderation import Flag, detect_personal_data
from egts.search import SEARCH_CONFIG

from ..models import PUBLIC_TEXT_FIELDS, Practice
from ..pages import practice_tags

# Fields a step of the form (or the API) may set; relations are handled apart.
TEXT_FIELDS = (*PUBLIC_TEXT_FIELDS, "contact_email")


def refresh_search_vectors(ids: Iterable[int]) -> None:
    """Recompute the stored search vector: the title weighs most, then the summary."""
    ids = list(ids)
    if not ids or connection.vendor != "postgresql":
        return
    Practice.objects.filter(pk__in=ids).update(
        search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", "organisation", weight="B", config=SEARCH_CONFIG)
        + SearchVector(
            "context",
            "people_concerned",
            "actors",
            "implementation",
            "results",
            "transfer_conditions",
            weight="C",
            config=SEARCH_CONFIG,
        )
    )


def _catalogue_changed(practice: Practice) -> None:
    tags = practice_tags([practice])
    transaction.on_commit(lambda: expire_public_tags(tags))


def _flags(practice: Practice) -> list[str]:
    """The pattern flags only: spaCy's names are left to a task after commit (below)."""
    kept = [Flag.NAME] if Flag.NAME in practice.flags else []
    found = detect_personal_data(
        *(getattr(practice, name) for name in PUBLIC_TEXT_FIELDS), with_names=False
    )
    # A name the task found stays until it looks again at the new text.
    return [flag.value for flag in Flag if flag.value in {*found, *kept}]


def _screen_names_after_commit(practice: Practice) -> None:
    from analysis.tasks import screen_practice_names

    pk = practice.pk
    transaction.on_commit(lambda: screen_practice_names.delay(pk), robust=True)


def _check_author(*, practice: Practice, author) -> None:
    if not author.has_perm("practices.change_practice", practice):
        raise PermissionDenied


def _apply_data(practice: Practice, data: Mapping) -> None:
    for name in TEXT_FIELDS:
        if name in data:
            value = data[name]
            setattr(practice, name, (value or "").strip())
    if "department" in data:
        department = data["department"]
        practice.department = department
        practice.territory_id = department.region.territory_id if department else None


def _sent(data: Mapping) -> dict:
    """What was sent, JSON-ready for a fingerprint: texts as typed, references by code."""
    sent = {}
    for name, value in data.items():
        if isinstance(value, str) or value is None:
            sent[name] = value
        elif hasattr(value, "__iter__"):
            sent[name] = sorted(str(getattr(item, "pk", item)) for item in value)
        else:
            sent[name] = str(getattr(value, "pk", value))
    return sent


def _once(*, author, scope: str, sent, create, earlier):
    """``create()`` unless the author sent the same within the window (egts/resubmission.py):
    a double click or a retried request gives back what the first sending created (found
    in the ``earlier`` queryset), not a copy."""
    created, _is_new = resubmission.submit_once(
        sender=resubmission.user_sender(author),
        author=author,
        fingerprint=resubmission.fingerprint(scope, sent),
        create=create,
        find=lambda pk: earlier.filter(pk=pk).first(),
    )
    return created
