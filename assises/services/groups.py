"""Working groups and their meetings."""

from __future__ import annotations

import nh3
from django.db import transaction

from egts.models import ActorCategory, User
from egts.uploads import check_file

from ..models import Meeting, MeetingDocument, OutsideParticipant, WorkingGroup

# Minutes are rich text from an editor or a paste: keep structure, drop everything else.
MINUTES_TAGS = {
    "p", "br", "strong", "em", "u", "ul", "ol", "li", "h3", "h4", "blockquote", "a",
}  # fmt: skip
MINUTES_ATTRIBUTES = {"a": {"href"}}


def sanitize_minutes(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=MINUTES_TAGS,
        attributes=MINUTES_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@transaction.atomic
def working_group_save(*, group: WorkingGroup, members=None) -> WorkingGroup:
    group.full_clean()
    group.save()
    if members is not None:
        group.members.set(members)
    return group


@transaction.atomic
def outside_participant_add(
    *, group: WorkingGroup, name: str, organisation: str, actor_category: str
) -> OutsideParticipant:
    participant = OutsideParticipant(
        group=group, name=name, organisation=organisation, actor_category=actor_category
    )
    participant.full_clean()
    participant.save()
    return participant


def clean_attendance(attendance: dict) -> dict:
    """Keep known categories with a positive count: the table shows only who came."""
    valid = set(ActorCategory.values)
    return {code: int(n) for code, n in attendance.items() if code in valid and n and int(n) > 0}


@transaction.atomic
def meeting_save(*, meeting: Meeting, recorded_by: User | None = None, documents=()) -> Meeting:
    meeting.minutes = sanitize_minutes(meeting.minutes)
    meeting.attendance = clean_attendance(meeting.attendance or {})
    if recorded_by is not None and meeting.recorded_by_id is None:
        meeting.recorded_by = recorded_by
    meeting.save()
    stored = []
    try:
        for uploaded in documents:
            # Raises ValidationError for a file that is not an accepted document.
            checked = check_file(uploaded)
            document = MeetingDocument(
                meeting=meeting,
                name=checked.name,
                size=checked.size,
                content_type=checked.content_type,
            )
            uploaded.seek(0)
            document.file.save("upload", uploaded, save=False)
            stored.append(document.file.name)
            document.save()
    except Exception:
        # The rows roll back with the transaction; the files on disk must go too.
        storage = MeetingDocument._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise
    return meeting
