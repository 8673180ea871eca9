"""OpenAPI generation: every operation documents the error answers the contract fixes.

API.md promises 400 with field errors, 401/403 for credentials, 404 for what is not
visible, 413 for large bodies, 415 for unsupported media types and 429 for rate
limits. drf-spectacular documents only the success answer by default, so clients
(and the schemathesis fuzzing in CI) would see those answers as undocumented.
"""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

_ERROR = OpenApiTypes.OBJECT

_DESCRIPTIONS = {
    "400": "Requête invalide : un message par champ en erreur.",
    "401": "Identification requise.",
    "403": "Action non autorisée pour ce compte.",
    "404": "Introuvable, ou non visible pour ce compte.",
    "405": "Méthode non autorisée.",
    "406": "Format de réponse non disponible.",
    "413": "Corps de requête trop volumineux.",
    "415": "Type de contenu non pris en charge.",
    "429": "Trop de requêtes : réessayez après le délai indiqué par Retry-After.",
    "503": "Service momentanément indisponible.",
}


class AutoSchema(BaseAutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["400", "406", "429"]
        has_body = self.method in ("POST", "PUT", "PATCH")
        if has_body:
            codes += ["413", "415"]
        permission_classes = getattr(self.view, "permission_classes", [])
        if any(self._may_refuse(cls) for cls in permission_classes) or has_body:
            codes += ["401", "403"]
        # A paginated list answers 404 for a page past the end (DRF's pagination): every
        # list says so, rather than each view remembering to declare it.
        is_paginated_list = (
            self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
        )
        if "{" in self.path or has_body or is_paginated_list:
            codes.append("404")
        return codes

    def _may_refuse(self, permission_class) -> bool:
        if permission_class is AllowAny:
            return False
        is_open_to_all = getattr(permission_class, "is_open_to_all", None)
        return not (is_open_to_all and is_open_to_all(self.view, self.method))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=_ERROR, description=_DESCRIPTIONS[code]),
                    code,
                    direction=direction,
                )
        return responses
