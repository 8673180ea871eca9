"""Assise life: COPIL checkpoints, members and invitations."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from egts.models import Membership, Territory, User
from egts.rules import forget_roles

from ..models import Assise, Checkpoint, CheckpointOutcome, Invitation

INVITATION_LIFETIME = datetime.timedelta(days=7)


@transaction.atomic
def checkpoint_record(
    *,
    assise: Assise,
    recorded_by: User,
    meeting_date: datetime.date,
    decisions: str,
    outcome: str,
) -> Checkpoint:
    """Log the COPIL meeting closing the current stage; a « go » moves to the next one."""
    assise = Assise.objects.select_for_update().get(pk=assise.pk)
    if outcome == CheckpointOutcome.GO and assise.next_stage is None:
        raise ValidationError({"outcome": [_("La démarche est déjà à sa dernière étape.")]})
    checkpoint = Checkpoint.objects.create(
        territory_id=assise.territory_id,
        stage=assise.stage,
        meeting_date=meeting_date,
        decisions=decisions,
        outcome=outcome,
        recorded_by=recorded_by,
    )
    if outcome == CheckpointOutcome.GO:
        assise.stage = assise.next_stage
        assise.stage_changed_at = timezone.now()
        assise.save(update_fields=["stage", "stage_changed_at"])
    return checkpoint


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("territory").filter(token_hash=_hash(token)).first()


@transaction.atomic
def invitation_create(
    *, territory: Territory, invited_by: User, email: str, role: str
) -> tuple[Invitation, str]:
    """Store the invitation and mail its link; the clear token exists only in that mail."""
    email = email.strip().lower()
    if Membership.objects.filter(territory=territory, user__email=email).exists():
        raise ValidationError({"email": [_("Cette personne a déjà un rôle dans ce territoire.")]})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        territory=territory,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    link = settings.SITE_URL.rstrip("/") + reverse(
        "assises:invitation-accept", kwargs={"token": token}
    )
    context = {"invitation": invitation, "link": link, "invited_by": invited_by}
    subject = _("Invitation à l'espace des assises — %(territory)s") % {"territory": territory}
    body = render_to_string("emails/assises/invitation.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    )
    return invitation, token


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Give the invited role to ``user`` (existing or just created) and spend the link."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("Ce lien d'invitation n'est plus valable."))
    if user.email.lower() != invitation.email:
        raise ValidationError(_("Cette invitation a été envoyée à une autre adresse électronique."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, territory_id=invitation.territory_id, role=invitation.role
            )
    except IntegrityError:
        raise ValidationError(_("Vous avez déjà un rôle dans ce territoire.")) from None
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_roles(user)
    return membership


@transaction.atomic
def account_create_for_invitation(*, invitation: Invitation, password: str) -> User:
    """A new account for the invited address: the mailed link proves the address."""
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email=invitation.email, password=password)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@transaction.atomic
def membership_remove(*, membership: Membership, removed_by: User) -> None:
    if membership.user_id == removed_by.pk:
        raise ValidationError(_("Vous ne pouvez pas vous retirer vous-même."))
    membership.delete()
    forget_roles(membership.user)
