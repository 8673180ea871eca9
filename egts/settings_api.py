"""The REST API's settings (Django REST framework, drf-spectacular), imported by
egts/settings.py."""


def rest_framework_settings(*, debug: bool) -> dict:
    """REST_FRAMEWORK; the browsable API only with DEBUG on."""
    return {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "egts.auth.TokenAuthentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
        "DEFAULT_PAGINATION_CLASS": "egts.pagination.PageNumberPagination",
        "PAGE_SIZE": 20,
        "DEFAULT_SCHEMA_CLASS": "egts.api_schema.AutoSchema",
        "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
        + (["rest_framework.renderers.BrowsableAPIRenderer"] if debug else []),
        # DRF's, refusing control characters with a 400 naming each field (egts/input.py).
        "DEFAULT_PARSER_CLASSES": [
            "egts.input.JSONParser",
            "egts.input.FormParser",
            "egts.input.MultiPartParser",
        ],
        "EXCEPTION_HANDLER": "egts.api_errors.exception_handler",
        # Every rate limit of the platform (egts/ratelimit.py), per client address and, for
        # submissions, per account too.
        "DEFAULT_THROTTLE_RATES": {
            # A participant rarely writes more than a few contributions in an hour.
            "contribution_submit": "10/hour",
            # Anonymous questionnaire answers: a shared office address may hold several people.
            "questionnaire_response": "20/hour",
            # A practice is a long text: a participant proposes a few, never a dozen in an hour.
            "practice_submit": "10/hour",
            "token": "10/minute",
            "similar_lookup": "60/minute",
            # One person goes through statements quickly; an office address holds several.
            "statement_vote": "120/minute",
        },
        "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    }


SPECTACULAR_SETTINGS = {
    "TITLE": "API des États généraux du travail social",
    "DESCRIPTION": "API publique et de back-office de la plateforme participative des EGTS.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to validator.swagger.io: the CSP allows no image from elsewhere.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets that share a field name ("kind", "status") get explicit names, so
    # generated clients keep stable type names.
    "ENUM_NAME_OVERRIDES": {
        "ContributionKindEnum": "contributions.models.ContributionKind",
        "QuestionKindEnum": "contributions.models.QuestionKind",
        "ModerationStatusEnum": "egts.moderation.ModerationStatus",
        "ProposalStatusEnum": "assises.models.ProposalStatus",
        "FollowUpStatusEnum": "actionplan.models.Status",
    },
}
