"""People stay in charge: rename a topic, mark it as noise, merge two, pin or remove a quote.

Each edit is logged (``TopicEdit``: who, when, what) and kept on the topic, so that the
next run of the same scope replays it on the matching topic (finalise.carry_over_edits).
Permissions are the caller's check (rules: analysis.change_topic, analysis.change_quote).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egts.models import User

from ..models import EditAction, Quote, RunStatus, Topic, TopicEdit
from .finalise import compute_sizes_and_shares, move_memberships

LABEL_MIN_LENGTH = 3
LABEL_MAX_LENGTH = 200


def _locked(topic: Topic) -> Topic:
    topic = Topic.objects.select_for_update().select_related("run").get(pk=topic.pk)
    if topic.run.status != RunStatus.DONE:
        raise ValidationError({"topic": [_("Les thèmes se revoient une fois l'analyse terminée.")]})
    if topic.merged_into_id:
        raise ValidationError({"topic": [_("Ce thème a été fusionné dans un autre.")]})
    return topic


def clean_label(label: str) -> str:
    label = " ".join((label or "").replace("\x00", "").split())
    if len(label) < LABEL_MIN_LENGTH:
        raise ValidationError(
            {
                "label": [
                    _("L'intitulé doit compter au moins %(n)d caractères.")
                    % {"n": LABEL_MIN_LENGTH}
                ]
            }
        )
    if len(label) > LABEL_MAX_LENGTH:
        raise ValidationError(
            {
                "label": [
                    _("L'intitulé ne peut dépasser %(n)d caractères.") % {"n": LABEL_MAX_LENGTH}
                ]
            }
        )
    return label


def _log(topic: Topic, user: User, action: str, **details) -> None:
    TopicEdit.objects.create(
        run_id=topic.run_id, topic=topic, user=user, action=action, details=details
    )


@transaction.atomic
def topic_rename(*, topic: Topic, user: User, label: str) -> Topic:
    label = clean_label(label)
    topic = _locked(topic)
    if label != topic.label:
        before = topic.label
        topic.label = label
        topic.label_edited = True
        topic.save(update_fields=["label", "label_edited"])
        _log(topic, user, EditAction.RENAME, before=before, label=label)
    return topic


@transaction.atomic
def topic_set_noise(*, topic: Topic, user: User, noise: bool) -> Topic:
    topic = _locked(topic)
    if topic.noise != noise:
        topic.noise = noise
        topic.save(update_fields=["noise"])
        _log(topic, user, EditAction.NOISE if noise else EditAction.UNNOISE)
    return topic


@transaction.atomic
def topic_merge(*, topic: Topic, into: Topic, user: User) -> Topic:
    """Merge ``topic`` into ``into`` (same run): its texts and pinned quotes join ``into``,
    it leaves the list. Returns ``into`` with its new size."""
    if topic.run_id != into.run_id:
        raise ValidationError({"into": [_("Les deux thèmes doivent venir de la même analyse.")]})
    if topic.pk == into.pk:
        raise ValidationError({"into": [_("Un thème ne peut être fusionné avec lui-même.")]})
    # Locked in id order: two opposite merges at once cannot deadlock.
    first, second = sorted([topic, into], key=lambda t: t.pk)
    first, second = _locked(first), _locked(second)
    topic, into = (first, second) if first.pk == topic.pk else (second, first)
    move_memberships(source=topic, target=into)
    Quote.objects.filter(topic=topic, pinned=True).update(topic=into)
    topic.merged_into = into
    topic.save(update_fields=["merged_into"])
    compute_sizes_and_shares(into.run, [topic.pk, into.pk])
    _log(topic, user, EditAction.MERGE, into=into.pk, into_label=into.label, label=topic.label)
    into.refresh_from_db()
    return into


@transaction.atomic
def quote_update(
    *, quote: Quote, user: User, pinned: bool | None = None, removed: bool | None = None
) -> Quote:
    quote = Quote.objects.select_for_update().select_related("topic__run").get(pk=quote.pk)
    _locked(quote.topic)
    actions = []
    if pinned is not None and pinned != quote.pinned:
        quote.pinned = pinned
        actions.append(EditAction.PIN if pinned else EditAction.UNPIN)
        if pinned:
            quote.removed = False
    if removed is not None and removed != quote.removed:
        quote.removed = removed
        actions.append(EditAction.REMOVE_QUOTE if removed else EditAction.RESTORE_QUOTE)
        if removed:
            quote.pinned = False
    if actions:
        quote.save(update_fields=["pinned", "removed"])
        for action in actions:
            _log(
                quote.topic,
                user,
                action,
                quote=quote.pk,
                contribution=quote.contribution_id,
                text=quote.text,
            )
    return quote
