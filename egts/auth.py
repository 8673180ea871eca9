"""Helpers for authentication shared by the site and the API."""


def axes_username(request, credentials: dict | None) -> str:
    """The e-mail django-axes counts failures against, from allauth or the API token form."""
    credentials = credentials or {}
    for key in ("email", "login", "username"):
        value = credentials.get(key)
        if value:
            return str(value).strip().lower()
    if request is not None and hasattr(request, "POST"):
        for key in ("login", "email"):
            value = request.POST.get(key)
            if value:
                return str(value).strip().lower()
    return ""
