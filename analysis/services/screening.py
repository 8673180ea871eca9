"""Screening an incoming contribution for the moderators, after its submission commits.

Two checks too slow for the submission request run here, in a Celery task
(``contributions.tasks.screen_contribution``): spaCy's person names (the request keeps the
patterns: e-mail, phone, address, birth date, titled names) and the published
contributions the new text nearly copies, looked up through the MinHash band index of
``signatures``. Published texts get their signature when they are published
(``contributions.tasks.refresh_signatures``), so that later submissions meet them.

``near_copies_for`` is the read the moderation pages make: every near-copy of a page of
pending items, published ones only, with the size of the campaign the analysis found
them in, in two queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from contributions.models import Contribution
from egts.moderation import (
    FRAGMENT_LABELS,
    Flag,
    ModerationStatus,
    detect_personal_data,
    flagged_fragments,
    highlighted_html,
)
from egts.personal_data import names

from ..conf import run_parameters
from ..models import ModerationCheck, NearCopy, PracticeCheck, RunStatus, TopicMembership
from .signatures import published_near_copies

# The queue and the moderation page show this many published near-copies at most.
NEAR_COPIES_SHOWN = 3
# The code the moderation API adds to an item's ``flags`` when it nearly copies a
# published contribution (the HTML queue shows it as a badge with the originals). Not a
# ``Flag``: it is no personal data, and it is read from the screening, not stored on the item.
NEAR_COPY_FLAG = "near_copy"


@dataclass(frozen=True)
class PublishedNearCopy:
    id: int
    title: str
    url: str
    similarity: float
    campaign_size: int | None  # the campaign the latest finished analysis put it in


def contribution_screen(*, contribution_id: int) -> ModerationCheck | None:
    """Add the NAME flag if spaCy finds a person's name, and store the published near-copies
    of a pending contribution. Nothing is written if it is no longer pending, or if its text
    changed meanwhile (the edit queued a screening of its own)."""
    read = (
        Contribution.objects.filter(pk=contribution_id, status=ModerationStatus.PENDING)
        .only("pk", "title", "body")
        .first()
    )
    if read is None:
        return None
    found_names = sorted(set(names(f"{read.title}\n{read.body}")))
    copies = published_near_copies(
        read.body,
        threshold=run_parameters()["campaign_threshold"],
        limit=NEAR_COPIES_SHOWN,
        exclude=read.pk,
    )
    with transaction.atomic():
        contribution = (
            Contribution.objects.select_for_update()
            .filter(pk=read.pk, status=ModerationStatus.PENDING, title=read.title, body=read.body)
            .only("pk", "flags")
            .first()
        )
        if contribution is None:
            return None
        if found_names and Flag.NAME not in contribution.flags:
            wanted = {*contribution.flags, Flag.NAME}
            contribution.flags = [flag.value for flag in Flag if flag.value in wanted]
            contribution.save(update_fields=["flags"])
        check, _created = ModerationCheck.objects.update_or_create(
            contribution_id=contribution.pk,
            defaults={"checked_at": timezone.now(), "names": found_names},
        )
        NearCopy.objects.filter(contribution_id=contribution.pk).delete()
        NearCopy.objects.bulk_create(
            NearCopy(contribution_id=contribution.pk, published_id=pk, similarity=score)
            for pk, score in copies
        )
    return check


def unscreened_contribution_ids(*, older_than: datetime.timedelta, limit: int) -> list[int]:
    """Pending contributions whose screening never ran on their current text: the broker
    was away when they were sent (or edited), so no task came. The oldest first."""
    before = timezone.now() - older_than
    return list(
        Contribution.objects.filter(status=ModerationStatus.PENDING, updated_at__lt=before)
        .filter(
            Q(moderation_check__isnull=True) | Q(moderation_check__checked_at__lt=F("updated_at"))
        )
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def practice_screen_names(*, practice_id: int) -> bool:
    """A practice's flags with spaCy's person names, once it is sent to moderation (the
    request found the patterns only), and the names found, kept for its moderation page.
    False if it changed meanwhile or is gone."""
    from practices.models import PUBLIC_TEXT_FIELDS, Practice

    read = Practice.objects.filter(pk=practice_id).only("pk", *PUBLIC_TEXT_FIELDS).first()
    if read is None:
        return False
    texts = {name: getattr(read, name) for name in PUBLIC_TEXT_FIELDS}
    # One pass of the recogniser: the names, then the patterns without it.
    found_names = sorted(set(names("\n".join(t for t in texts.values() if t))))
    wanted = {*detect_personal_data(*texts.values(), with_names=False)}
    if found_names:
        wanted.add(Flag.NAME)
    flags = [flag.value for flag in Flag if flag.value in wanted]
    with transaction.atomic():
        practice = (
            Practice.objects.select_for_update().filter(pk=read.pk, **texts).only("pk").first()
        )
        if practice is None:
            return False
        # update() leaves updated_at alone: the check stays newer than the text it read.
        Practice.objects.filter(pk=practice.pk).update(flags=flags)
        PracticeCheck.objects.update_or_create(
            practice_id=practice.pk,
            defaults={"checked_at": timezone.now(), "names": found_names},
        )
    return True


def unscreened_practice_ids(*, older_than: datetime.timedelta, limit: int) -> list[int]:
    """Practices waiting for moderation whose name screening never ran on their current
    text (the broker was away when they were sent or edited). The oldest first."""
    from practices.models import Practice

    before = timezone.now() - older_than
    return list(
        Practice.objects.pending()
        .filter(updated_at__lt=before)
        .filter(Q(name_check__isnull=True) | Q(name_check__checked_at__lt=F("updated_at")))
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _campaign_sizes(published_ids: set[int]) -> dict[int, int]:
    """Each contribution's campaign size in the latest finished run that put it in one."""
    latest: dict[int, tuple[int, int]] = {}
    rows = TopicMembership.objects.filter(
        contribution_id__in=published_ids, campaign__isnull=False, run__status=RunStatus.DONE
    ).values_list("contribution_id", "run_id", "campaign__size")
    for contribution_id, run_id, size in rows:
        if contribution_id not in latest or run_id > latest[contribution_id][0]:
            latest[contribution_id] = (run_id, size)
    return {pk: size for pk, (_run, size) in latest.items()}


def has_published_near_copy() -> Exists:
    """For a queryset of contributions: whether the screening found a near-copy that is
    still published (what ``near_copies_for`` shows), as one correlated subquery."""
    return Exists(
        NearCopy.objects.filter(
            contribution_id=OuterRef("pk"), published__status=ModerationStatus.PUBLISHED
        )
    )


def near_copies_for(contribution_ids) -> dict[int, list[PublishedNearCopy]]:
    """The published near-copies of each of these contributions, most similar first.

    A near-copy shows only while it is published: one rejected since, or any item still
    pending (of any territory), is never named to a moderator."""
    rows = list(
        NearCopy.objects.filter(
            contribution_id__in=list(contribution_ids),
            published__status=ModerationStatus.PUBLISHED,
        ).values_list("contribution_id", "published_id", "published__title", "similarity")
    )
    if not rows:
        return {}
    sizes = _campaign_sizes({row[1] for row in rows})
    found: dict[int, list[PublishedNearCopy]] = defaultdict(list)
    for contribution_id, published_id, title, similarity in rows:
        found[contribution_id].append(
            PublishedNearCopy(
                id=published_id,
                title=title,
                url=Contribution(pk=published_id).get_absolute_url(),
                similarity=similarity,
                campaign_size=sizes.get(published_id),
            )
        )
    return dict(found)


def moderation_page_screening(contribution: Contribution) -> dict:
    """What the moderation page of one contribution shows from its screening: whether it
    ran, the published near-copies, and the text with its flagged fragments marked (the
    patterns found again, the names the task found), also as a list."""
    check = ModerationCheck.objects.filter(contribution_id=contribution.pk).first()
    found_names = check.names if check is not None else []
    title_spans = flagged_fragments(contribution.title, names=found_names)
    body_spans = flagged_fragments(contribution.body, names=found_names)
    fragments = [
        {"text": text[start:end], "label": FRAGMENT_LABELS.get(kind, kind)}
        for text, spans in ((contribution.title, title_spans), (contribution.body, body_spans))
        for start, end, kind in spans
    ]
    return {
        "screened": check is not None,
        "near_copies": near_copies_for([contribution.pk]).get(contribution.pk, []),
        "flagged_fragments": fragments,
        "body_html": highlighted_html(contribution.body, body_spans),
    }
