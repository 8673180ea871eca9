"""Settings of the EGTS platform, every value from the environment; the Celery and REST API
blocks are read from egts/settings_celery.py and egts/settings_api.py.

With no environment at all the platform runs for development: SQLite, Celery
tasks executed eagerly in the web process, e-mails printed on the console and
DEBUG on. Production differs only by environment variables (see .env.example).
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file beside manage.py fills in what the real environment leaves unset;
# ENV_FILE points elsewhere (the settings tests use an empty file to start clean).
environ.Env.read_env(env.path("ENV_FILE", default=BASE_DIR / ".env"), overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY)
if not DEBUG and (
    SECRET_KEY == _DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off "
        "(50 characters or more: python -c "
        "'import secrets; print(secrets.token_urlsafe(64))')."
    )

# Reverse proxies in front of gunicorn, each appending to X-Forwarded-For (egts/network.py).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address for links in e-mails and PDFs. Unset, what is built for a request (the
# practice sheet) links to the address that request came to: see egts.pdf.site_base_url.
SITE_URL_IS_SET = bool(env("SITE_URL", default=""))
SITE_URL = env("SITE_URL", default="") or "http://127.0.0.1:8000"

INSTALLED_APPS = [
    # django.contrib.admin, whose model permissions mean something only inside it.
    "egts.admin_site.TechnicalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.syndication",
    # TemplatesSetting (below) finds the form widget templates through this app.
    "django.forms",
    "widget_tweaks",
    "dsfr",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Swagger UI and ReDoc served from our own static files, not from a CDN.
    "drf_spectacular_sidecar",
    "django_filters",
    "allauth",
    "allauth.account",
    "axes",
    # django-csp: the Content-Security-Policy header, with a nonce per response.
    "csp",
    "egts",
    "contributions",
    "practices",
    "assises",
    "actionplan",
    "documents",
    "analysis",
    "consensus",
]

MIDDLEWARE = [
    # First, so every log line of the request and the response carry its id.
    "egts.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "egts.security.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML and JSON leave compressed even without a tuned proxy (a moderation queue is
    # 400 KB of HTML). Below WhiteNoise, which serves its own pre-compressed static files.
    # BREACH: Django masks the CSRF token on every response and adds random-length
    # padding to compressed responses (since 4.2), so secrets do not leak through sizes.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A control character in the path is a 404, in the query string a 400 (egts/input.py).
    "egts.input.ControlCharactersMiddleware",
    # A view that raises RateLimited gets the DSFR 429 page with Retry-After.
    "egts.security.RateLimitedMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Axes last: it turns a locked-out login into a clear "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "egts.urls"
WSGI_APPLICATION = "egts.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "egts.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database: SQLite for a zero-setup development run, PostgreSQL otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    # The hot paths' hand-written statements (egts/db.py) are prepared once a connection
    # has sent them this often; Django's own queries never are. Empty: never (behind a
    # pooler in transaction mode that does not track prepared statements). Binding every
    # query on the server (Django's server_side_binding) was measured and not kept: see
    # contributions/services/one_statement.py.
    _prepare_threshold = env.str("DB_PREPARE_THRESHOLD", default="5")
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        int(_prepare_threshold) if _prepare_threshold else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: per-process memory by default, Redis in production (CACHE_URL).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://egts")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The cache holds nothing that cannot be recomputed: with Redis down, pages and
    # submissions keep working on a cold cache instead of failing (egts/cache_backends.py).
    CACHES["default"]["BACKEND"] = "egts.cache_backends.ResilientRedisCache"
# Public pages cached whole for anonymous visitors (egts/cache.py); moderation
# decisions make them stale at once, this bounds staleness for everything else.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=60)
# Each process also keeps the pages it served for this long (0: never): a change made
# through another process shows after at most this delay (egts/cache.py).
PUBLIC_PAGE_LOCAL_SECONDS = env.float("PUBLIC_PAGE_LOCAL_SECONDS", default=1.0)
# A published practice's page is cached on its own, dropped as soon as that practice
# changes and rendered again at once (practices/services/), so it may stay for long.
PRACTICE_PAGE_CACHE_SECONDS = env.int("PRACTICE_PAGE_CACHE_SECONDS", default=24 * 3600)
# Themes, policies and departments are read from memory by submissions (egts/reference.py);
# each process reads them again from the database after this many seconds.
REFERENCE_CACHE_SECONDS = env.int("REFERENCE_CACHE_SECONDS", default=300)
# Likewise for the questions and choices of the questionnaires that receive responses.
QUESTIONNAIRE_CACHE_SECONDS = env.int("QUESTIONNAIRE_CACHE_SECONDS", default=60)

AUTH_USER_MODEL = "egts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes counts failed logins (per e-mail and IP) and locks out brute force.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- django-allauth: e-mail login, no username, mandatory verification.
# The adapter gives allauth the client's address (egts/network.py) and lets a login that
# django-axes has locked out reach its lockout page (egts/auth.py).
ACCOUNT_ADAPTER = "egts.auth.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[EGTS] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

# --- django-axes: 5 failures for one e-mail from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "egts.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "errors/lockout.html"
# The client's address for axes, allauth and every rate limit: egts/network.py.
AXES_CLIENT_IP_CALLABLE = "egts.network.client_ip"
AXES_VERBOSE = False
# Login records (e-mail typed, IP address, user agent, time) are deleted with the account
# and, for everyone, after this many days (egts/login_records.py, the privacy page).
LOGIN_RECORD_RETENTION_DAYS = env.int("LOGIN_RECORD_RETENTION_DAYS", default=365)
if LOGIN_RECORD_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("LOGIN_RECORD_RETENTION_DAYS must be 1 or more (a lockout lasts).")

# An API token works for this many days after it was issued (egts/auth.py); a new one is
# issued by POST /api/v1/auth/token/ or .../rotate/, and every change of password revokes them.
API_TOKEN_LIFETIME_DAYS = env.int("API_TOKEN_LIFETIME_DAYS", default=30)
if API_TOKEN_LIFETIME_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_LIFETIME_DAYS must be 1 or more.")

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation: French is the interface's source language.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    # Collects the apps' files except those no page links (egts/staticfiles.py).
    "egts.staticfiles.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Source maps are read by developer tools only: not worth a Brotli pass at every deploy.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Request bodies: 10 MB files are allowed for attachments, the rest stays small.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# A body far over the upload limits is read up to its first oversized file only, and the
# form shows again what was typed before it (egts/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "egts.uploads.RequestSizeUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- E-mail: console in development, SMTP from EMAIL_URL in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Every e-mail goes through a Celery task, sent by the backend EMAIL_URL names and tried
# again while the server is unreachable: no request waits on, or fails because of, mail
# (egts/mail.py).
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "egts.mail.QueuedEmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# First wait before trying a failed sending again; it doubles each time, up to 5 minutes.
EMAIL_RETRY_SECONDS = env.int("EMAIL_RETRY_SECONDS", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="EGTS <ne-pas-repondre@egts.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: Redis in production; without a broker, tasks run eagerly in-process
# (egts/settings_celery.py).
from .settings_celery import *  # noqa: E402, F403

CELERY_TIMEZONE = TIME_ZONE

# --- REST API (egts/settings_api.py).
from .settings_api import SPECTACULAR_SETTINGS, rest_framework_settings  # noqa: E402, F401

REST_FRAMEWORK = rest_framework_settings(debug=DEBUG)

# EGTS_RATE_LIMITS=off lifts the submission limits (load tests, demonstrations).
EGTS_RATE_LIMITS = env("EGTS_RATE_LIMITS", default="on") != "off"
# The load test's framework-ceiling probe (egts/load_probe.py); never in production.
EGTS_LOAD_PROBE = env("EGTS_LOAD_PROBE", default="off") == "on"

# --- Site identity, read by the DSFR header and footer (no database query per page).
EGTS_SITE = {
    "site_title": "États généraux du travail social",
    "site_tagline": "La plateforme participative des assises territoriales",
    "accessibility_status": "PART",
    "footer_description": (
        "Plateforme participative des États généraux du travail social, "
        "portée par le ministère chargé des affaires sociales."
    ),
}

# --- Security: every protection on when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): nothing but our own files, no inline script or
# style; the rare inline block (Swagger UI's start-up script) carries the response's nonce
# (request.csp_nonce). No CDN: DSFR and Swagger UI are served from our static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # DSFR's and Swagger UI's stylesheets draw some icons as data: URIs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": not DEBUG,
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True

# --- Error reports: Sentry when SENTRY_DSN is set (nothing is sent otherwise).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Participants' e-mails and addresses stay on the platform.
        send_default_pii=False,
    )

# Logs go to the console (12-factor); JSON lines in production, for the log collector.
LOG_FORMAT = env("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "egts.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "egts.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
