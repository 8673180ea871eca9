"""Login records (django-axes): erased with the account, purged after a retention period.

Axes keeps, for every login and every failed attempt, the e-mail typed, the IP address,
the browser's user agent and the time (AccessLog, AccessAttempt, AccessFailureLog). They
serve the lockout and the security of the service; the privacy page
(templates/egts/pages/personal_data.html) promises that they go with the account and
are kept no longer than ``LOGIN_RECORD_RETENTION_DAYS``.
"""

from __future__ import annotations

import datetime
import functools
import operator

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from .models import User

LOGIN_RECORD_MODELS = (AccessAttempt, AccessFailureLog, AccessLog)


def _addresses(user) -> set[str]:
    addresses = {user.email} if user.email else set()
    if user.pk is not None:
        addresses |= set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return {address.strip().lower() for address in addresses if address}


@transaction.atomic
def erase_login_records(user) -> int:
    """Delete every login record of the account's addresses (any case); the number deleted."""
    addresses = _addresses(user)
    if not addresses:
        return 0
    matches = functools.reduce(operator.or_, (Q(username__iexact=a) for a in addresses))
    return sum(model.objects.filter(matches).delete()[0] for model in LOGIN_RECORD_MODELS)


@receiver(pre_delete, sender=User, dispatch_uid="egts-erase-login-records")
def _erase_with_the_account(sender, instance, **kwargs) -> None:
    erase_login_records(instance)


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS)


@transaction.atomic
def purge_login_records(now: datetime.datetime | None = None) -> int:
    """Delete the login records older than the retention period, and expired API tokens
    (a new one is issued at the next login); the number of rows deleted."""
    from rest_framework.authtoken.models import Token

    from egts.auth import token_lifetime

    now = now or timezone.now()
    limit = now - retention()
    deleted = sum(
        model.objects.filter(attempt_time__lt=limit).delete()[0] for model in LOGIN_RECORD_MODELS
    )
    deleted += Token.objects.filter(created__lte=now - token_lifetime()).delete()[0]
    return deleted
