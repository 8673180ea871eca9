"""The API's one permission gate: it asks the same django-rules rules as the pages.

A view lists ``permission_classes = [RulesPermission]`` and declares, per action, which
rule the request must satisfy. The action is the viewset action when there is one
(``list``, ``retrieve``…), otherwise the HTTP method in lower case (``get``, ``post``…);
HEAD and OPTIONS follow ``get``.

- ``view_rules = {"post": "practices.add_practice"}``: checked before the handler runs,
  as ``request.user.has_perm(rule)``. ``None`` says, explicitly, that anyone may.
- ``object_rules = {"post": "practices.moderate_practice"}``: checked when the view asks
  for the object's permission (``get_object()`` of the generic views does;
  an ``APIView`` calls ``self.check_object_permissions(request, obj)``), as
  ``request.user.has_perm(rule, obj)``.
- ``rule_messages = {"practices.moderate_practice": _("…")}``: the 403's message.

An action named in neither map is refused: a new method is closed until a rule opens it.
A refusal is a 401 to a caller who did not authenticate, a 403 otherwise (DRF's
``permission_denied``). A rule that only part of the body calls for (a field that asks for
more than the action) is checked with :func:`check_rule` once the body is read.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import BasePermission

_FOLLOWS_GET = ("head", "options")


def _action(request, view) -> str:
    action = getattr(view, "action", None)
    if action:
        return action
    method = request.method.lower()
    return "get" if method in _FOLLOWS_GET else method


class RulesPermission(BasePermission):
    @staticmethod
    def is_open_to_all(view, method: str) -> bool:
        """Whether ``method`` is declared open to anyone (the schema then documents no
        401/403 for it: egts/api_schema.py)."""
        view_rules = getattr(view, "view_rules", {})
        action = getattr(view, "action", None) or method.lower()
        return action in view_rules and view_rules[action] is None

    def has_permission(self, request, view) -> bool:
        action = _action(request, view)
        view_rules = getattr(view, "view_rules", {})
        if action in view_rules:
            return self._allows(request, view, view_rules[action])
        # Only an object rule: the object decides, once the view has found it.
        return action in getattr(view, "object_rules", {})

    def has_object_permission(self, request, view, obj) -> bool:
        rule = getattr(view, "object_rules", {}).get(_action(request, view))
        return self._allows(request, view, rule, obj)

    def _allows(self, request, view, rule: str | None, obj=None) -> bool:
        if rule is None:
            return True
        if request.user.has_perm(rule, obj):
            return True
        # DRF reads the refusal's message from the permission instance, made per request.
        self.message = getattr(view, "rule_messages", {}).get(rule)
        return False


def check_rule(request, rule: str, obj=None, *, message=None) -> None:
    """Refuse (403, or 401 to an unauthenticated caller) unless ``rule`` allows the user."""
    if request.user.has_perm(rule, obj):
        return
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated
    raise exceptions.PermissionDenied(message)
