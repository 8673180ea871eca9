"""Files attached to a practice, and the deletions that take the files with them."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Practice, PracticeAttachment
from ..pages import practice_pages_changed, practice_pages_deleted
from ..uploads import check_upload
from .common import _check_author, _once


def practice_attach(*, practice: Practice, author, uploaded) -> PracticeAttachment:
    """Keep one checked file under a random name; refuse it with a clear message otherwise.
    The same file sent again to the same practice is the attachment it already has."""
    _check_author(practice=practice, author=author)
    content = hashlib.sha256()
    for chunk in uploaded.chunks():
        content.update(chunk)
    uploaded.seek(0)
    return _once(
        author=author,
        scope="practice_attachment",
        sent=[practice.pk, uploaded.name, uploaded.size, content.hexdigest()],
        create=lambda: _attach(practice=practice, author=author, uploaded=uploaded),
        earlier=PracticeAttachment.objects.filter(practice=practice),
    )


@transaction.atomic
def _attach(*, practice: Practice, author, uploaded) -> PracticeAttachment:
    # Locking the practice row makes "at most five" hold against two simultaneous uploads.
    Practice.objects.select_for_update().filter(pk=practice.pk).first()
    checked = check_upload(uploaded, existing_count=practice.attachments.count())
    attachment = PracticeAttachment(
        practice=practice, name=checked.name, content_type=checked.content_type, size=checked.size
    )
    uploaded.seek(0)
    attachment.file.save("upload", uploaded, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    Practice.objects.filter(pk=practice.pk).update(updated_at=timezone.now())
    practice_pages_changed([practice])
    return attachment


@transaction.atomic
def practice_detach(*, practice: Practice, author, attachment: PracticeAttachment) -> None:
    _check_author(practice=practice, author=author)
    if attachment.practice_id != practice.pk:
        raise PermissionDenied
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    Practice.objects.filter(pk=practice.pk).update(updated_at=timezone.now())
    practice_pages_changed([practice])
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def practice_delete_draft(*, practice: Practice, author) -> None:
    """An author abandons a draft: it and its files disappear."""
    _check_author(practice=practice, author=author)
    if not practice.is_draft:
        raise ValidationError({"non_field_errors": [_("Seul un brouillon peut être supprimé.")]})
    delete_with_files(Practice.objects.filter(pk=practice.pk))


def delete_with_files(practices) -> None:
    """Delete practices and, after the commit, their stored files."""
    files = list(
        PracticeAttachment.objects.filter(practice__in=practices).values_list("file", flat=True)
    )
    practice_pages_deleted(practices.values_list("pk", flat=True))
    practices.delete()
    if files:
        from django.core.files.storage import default_storage

        def remove():
            for name in files:
                default_storage.delete(name)

        transaction.on_commit(remove)
