"""The client's address, derived in one place from ``PROXY_COUNT``.

django-axes (login lockout), django-allauth (its login, signup and reset limits, through
``egts.auth.AccountAdapter``), the API's token throttle and the submission limits of
``egts.ratelimit`` all ask this function, so they all count the same visitor.

Each trusted reverse proxy appends the address it received the request from to
``X-Forwarded-For``. With ``PROXY_COUNT`` proxies, the client is therefore the
``PROXY_COUNT``-th entry from the end; whatever comes before it was sent by the client
and can be anything. Without proxies, or when the header is shorter than expected (a
request that did not come through them), ``REMOTE_ADDR`` is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The visitor's IP address as a string; empty only if the server gave none."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxy_count = getattr(settings, "PROXY_COUNT", 0) or 0
    if proxy_count > 0:
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxy_count:
            # Written by our own outermost proxy: only a broken proxy makes it invalid.
            address = _valid(forwarded[-proxy_count])
            if address:
                return address
    return _valid(remote) or remote
