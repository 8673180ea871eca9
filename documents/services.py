"""Every write of the documentation centre: add, edit, publish and share documents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egts.cache import bump_public_pages
from egts.models import Territory, User
from egts.search import SEARCH_CONFIG
from egts.uploads import check_file

from .models import Document, DocumentShare

TEXT_FIELDS = ("title", "kind", "author", "date", "summary", "url")


def refresh_search_vectors(ids: Iterable[int]) -> None:
    """The title weighs most, then the summary and the author."""
    ids = list(ids)
    if not ids or connection.vendor != "postgresql":
        return
    Document.objects.filter(pk__in=ids).update(
        search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", "author", weight="B", config=SEARCH_CONFIG)
    )


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _check_territory(user: User, territory: Territory | None) -> None:
    """A COPIL files documents for its own territories; national ones are the national team's."""
    if user.is_national_team:
        return
    if territory is None or not user.has_perm("documents.change_document", territory):
        raise ValidationError(
            {"territory": [_("Vous ne pouvez déposer un document que pour votre territoire.")]}
        )


def _apply(document: Document, data: Mapping) -> None:
    for name in TEXT_FIELDS:
        if name in data:
            value = data[name]
            setattr(document, name, value.strip() if isinstance(value, str) else value)
    if "territory" in data:
        document.territory = data["territory"]


def _store_file(document: Document, uploaded) -> str | None:
    """Check and keep the file; returns the name of the file it replaces, if any."""
    try:
        checked = check_file(uploaded)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    previous = document.file.name or None
    document.content_type = checked.content_type
    document.file_name = checked.name
    document.size = checked.size
    uploaded.seek(0)
    document.file.save("upload", uploaded, save=False)
    return previous


def _save(document: Document, data: Mapping, uploaded) -> Document:
    previous = _store_file(document, uploaded) if uploaded else None
    if not document.file and not document.url:
        raise ValidationError({"file": [_("Joignez un fichier ou indiquez un lien.")]})
    try:
        document.full_clean(exclude=["file", "themes", "policies", "search_vector"])
        document.save()
    except Exception:
        if uploaded:
            document.file.delete(save=False)
        raise
    if "themes" in data:
        document.themes.set(data["themes"])
    if "policies" in data:
        document.policies.set(data["policies"])
    refresh_search_vectors([document.pk])
    if previous:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(previous))
    if document.is_public:
        transaction.on_commit(bump_public_pages)
    return document


@transaction.atomic
def document_create(*, created_by: User, data: Mapping, uploaded=None) -> Document:
    _require(created_by, "documents.add_document")
    _check_territory(created_by, data.get("territory"))
    document = Document(created_by=created_by)
    _apply(document, data)
    return _save(document, data, uploaded)


@transaction.atomic
def document_update(*, document: Document, updated_by: User, data: Mapping, uploaded=None):
    _require(updated_by, "documents.change_document", document)
    # Checked even when unchanged: a ModelForm has already copied it onto the instance.
    if "territory" in data:
        _check_territory(updated_by, data["territory"])
    _apply(document, data)
    return _save(document, data, uploaded)


@transaction.atomic
def document_set_public(*, document: Document, user: User, is_public: bool) -> Document:
    """Make a document public for anyone (or take it back to its territories)."""
    _require(user, "documents.publish_document", document)
    document.is_public = is_public
    document.published_at = (document.published_at or timezone.now()) if is_public else None
    document.save(update_fields=["is_public", "published_at", "updated_at"])
    transaction.on_commit(bump_public_pages)
    return document


@transaction.atomic
def document_share(
    *, document: Document, shared_by: User, territories: Iterable[Territory]
) -> list[DocumentShare]:
    """Offer the document to chosen territories; territories that already have it are skipped."""
    _require(shared_by, "documents.share_document", document)
    territories = [t for t in territories if t.pk != document.territory_id]
    if not territories:
        raise ValidationError(
            {"territories": [_("Choisissez au moins un autre territoire que le sien.")]}
        )
    already = set(document.shares.values_list("territory_id", flat=True))
    shares = [
        DocumentShare(document=document, territory=t, shared_by=shared_by)
        for t in territories
        if t.pk not in already
    ]
    DocumentShare.objects.bulk_create(shares)
    return shares
