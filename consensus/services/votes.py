"""Casting a vote: one per account, or per browser session when anonymous."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ..models import Statement, Vote

SESSION_VOTER = "consensus.voter"


def voter_key(request) -> str:
    """A keyed hash of a random token kept in the session: it survives a login (which
    renews the session's own key) and the database never holds the session's key."""
    token = request.session.get(SESSION_VOTER)
    if not token:
        token = secrets.token_hex(16)
        request.session[SESSION_VOTER] = token
    return salted_hmac("consensus.vote", token, algorithm="sha256").hexdigest()


def _territory_for(*, statement: Statement, user):
    department = getattr(user, "department", None) if user is not None else None
    if department is not None:
        return department.region.territory
    return statement.territory


def vote_cast(
    *,
    statement: Statement,
    vote: str,
    actor_category: str,
    user=None,
    session_key: str = "",
) -> tuple[Vote, bool]:
    """Record the vote, or replace the voter's earlier one; True when it is a first vote.
    The caller checks that the statement is published."""
    signed_in = getattr(user, "is_authenticated", False)
    voter = {"user": user} if signed_in else {"user": None, "session_key": session_key}
    if not signed_in and not session_key:
        raise ValueError("An anonymous vote needs a session key.")
    fields = {"vote": vote, "actor_category": actor_category, "updated_at": timezone.now()}
    updated = Vote.objects.filter(statement=statement, **voter).update(**fields)
    if updated:
        return Vote.objects.get(statement=statement, **voter), False
    try:
        with transaction.atomic():
            created = Vote.objects.create(
                statement=statement,
                territory=_territory_for(statement=statement, user=user if signed_in else None),
                **voter,
                **fields,
            )
        return created, True
    except IntegrityError:
        # The same voter's other request won the race: this one replaces it.
        Vote.objects.filter(statement=statement, **voter).update(**fields)
        return Vote.objects.get(statement=statement, **voter), False
