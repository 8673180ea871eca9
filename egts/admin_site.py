"""The Django admin site of the technical administration (``/admin-technique/``).

Outside the admin, a permission declared with django-rules is decided by its rule alone
(``User.has_perm``): being a superuser takes no COPIL's decision. Inside the admin, the
model permissions keep Django's meaning (a superuser may change any row), so every admin
view runs with ``IN_TECHNICAL_ADMIN`` set.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

IN_TECHNICAL_ADMIN: ContextVar[bool] = ContextVar("in_technical_admin", default=False)


class TechnicalAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def wrapper(request, *args, **kwargs):
            token = IN_TECHNICAL_ADMIN.set(True)
            try:
                response = inner(request, *args, **kwargs)
                # Admin pages are TemplateResponses, rendered after the view returns:
                # render them here, where their permission checks still mean "admin".
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
                return response
            finally:
                IN_TECHNICAL_ADMIN.reset(token)

        return wrapper


class TechnicalAdminConfig(AdminConfig):
    default_site = "egts.admin_site.TechnicalAdminSite"
