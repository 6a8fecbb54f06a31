"""Settings for the ITSM monolith, read from the environment (django-environ).

The embedded default (no environment at all, DEBUG on) runs on a SQLite file, the in-memory
channel layer, the local-memory cache and eager Celery. Setting ``DATABASE_URL`` and
``REDIS_URL`` moves the same code to PostgreSQL and Redis.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ

from itsm import case_handling, integration_settings, observability
from itsm.beat import BEAT_SCHEDULE
from itsm.configuration import env_file, missing
from itsm.databases import database_settings, embedded_cache
from itsm.security import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY  # noqa: F401 (settings)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The environment first, then the .env file for what it leaves unset (itsm.configuration).
if (_env_file := env_file(BASE_DIR)) and _env_file.is_file():
    env.read_env(_env_file)

DEBUG = env.bool("DEBUG", default=False)

# A development secret is allowed only when DEBUG is on; production must bring its own.
_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_SECRET_KEY):
    raise missing("SECRET_KEY", "with DEBUG off the server needs a secret of its own")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # daphne first so that `runserver` serves ASGI (HTTP and websockets).
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Index expressions with operator classes (the trigram indexes), the search lookups.
    "django.contrib.postgres",
    "channels",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_htmx",
    "django_celery_beat",
    "csp",
    "import_export",
    # The project's apps, ground floor first: an app imports only those above it in this
    # list, and domain events reach their subscribers in this order.
    "core",
    "org",
    "tickets",
    "routing",
    "sla",
    "escalations",
    "kb",
    "notifications",
    "integrations",
    "dashboard",
    "resolutions",
    "desk",
    "itsm",
]

MIDDLEWARE = [
    # Outermost: 4xx answers of any layer below on /api/ leave in the API's error format.
    "core.api.error_format.ApiErrorFormatMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files get them too: the policies of itsm.security.
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Before the size limit: logs webhook deliveries refused with 413 before any view runs.
    "integrations.middleware.WebhookRefusalLogMiddleware",
    "core.api.middleware.BodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: it counts failed logins made through any authenticate() call.
    "axes.middleware.AxesMiddleware",
    # All sync: the server runs the chain in one thread hand-off a request (itsm.asgi_handler).
]

ROOT_URLCONF = "itsm.urls"

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
                "desk.context.viewer",
            ],
        },
    },
]

WSGI_APPLICATION = "itsm.wsgi.application"
ASGI_APPLICATION = "itsm.asgi.application"
# HTTP requests one server process runs at once; the rest wait their turn (itsm.asgi_limits).
HTTP_CONCURRENCY = env.int("HTTP_CONCURRENCY", default=2 * (os.cpu_count() or 1))

# --- CSV import and export (django-import-export; core.imports) -----------------------------
# The upload waits between the dry run and the confirm: in Redis where web processes share it,
# else in a temporary folder (the embedded setup runs one server process).
IMPORT_EXPORT_TMP_STORAGE_CLASS = (
    "import_export.tmp_storages.CacheStorage"
    if env.str("REDIS_URL", default="")
    else "import_export.tmp_storages.TempFolderStorage"
)
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": database_settings(env, BASE_DIR)}
# The covering indexes' INCLUDE columns are PostgreSQL's; SQLite builds the same index without
# them, which is all the embedded default needs (no warning on every start).
SILENCED_SYSTEM_CHECKS = ["models.W040"] if "sqlite" in DATABASES["default"]["ENGINE"] else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker ---------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "itsm.redis_cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="itsm"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "itsm.channel_layer.BatchingRedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s timeout by default, the length of channels-redis's
                # blocking pop: an idle socket's consumer then died with 1011 (longer here).
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="itsm"),
            },
        }
    }
else:
    CACHES = {"default": embedded_cache(env, DATABASES["default"])}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL  # without a broker tasks run in-process, errors raise
# Without one, a server process delivers the outbox after the response: in a child process of
# its own (core.delivery_process), so deliveries run on another core than the requests, or
# with EVENTS_IN_A_PROCESS=false in a thread of the server's (core.deliverer). With one, a
# thread of the server process asks the workers for a commit's drain after it (core.kicker).
EVENTS_IN_BACKGROUND = env.bool("EVENTS_IN_BACKGROUND", default=not REDIS_URL)
EVENTS_IN_A_PROCESS = env.bool("EVENTS_IN_A_PROCESS", default=True)
EVENTS_PROCESS_NICE = env.int("EVENTS_PROCESS_NICE", default=0)  # >0 can starve it (README)
DRAIN_REQUESTS_IN_BACKGROUND = env.bool("DRAIN_REQUESTS_IN_BACKGROUND", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs (run by `celery -A itsm beat`): itsm.beat.
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Axes first: a locked-out username/address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user with its role in one query.
    "core.accounts.RoleReadingBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Login lockout (django-axes) ------------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "itsm.api.views.lockout_response"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # JWT first: its WWW-Authenticate header makes "no credentials" a 401, not a 403.
        "core.api.authentication.JWTAuthentication",
        "integrations.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.CallerRateThrottle",
        "core.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "caller": env.str("API_RATE_USER", default="1200/min"),
        "anon": env.str("API_RATE_ANON", default="60/min"),
        "token": env.str("API_RATE_TOKEN", default="20/min"),
    },
    # How many proxies in front of us append to X-Forwarded-For; with 0, the header is ignored
    # and the socket address is used, so a forged header cannot dodge the throttle.
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=10)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=1)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

# /api/schema/ and /api/docs/ are for signed-in callers unless this is on (itsm.api.docs).
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)

SPECTACULAR_SETTINGS = {
    "TITLE": "ITSM service desk API",
    "DESCRIPTION": (
        "Tickets in from any source, routed to the right team, worked to resolution. "
        'Errors are always {"errors": {"<field or non_field_errors>": ["message"]}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.lifecycle.TicketStatus",
        "TaskStatusEnum": "tickets.lifecycle.TaskStatus",
        "TicketTypeEnum": "tickets.models.TicketType",
        "LevelEnum": ["1", "2", "3", "4", "5"],
        "PriorityEnum": "tickets.models.Priority",
        "TierEnum": "tickets.models.Tier",
        "TeamStatusEnum": "routing.models.Team.Status",
        "ArticleStatusEnum": "kb.models.ArticleStatus",
        "ReminderStatusEnum": "sla.models.Reminder.Status",
        "ReminderFrequencyEnum": "sla.recurrence.FREQUENCIES",
        "EntryTypeEnum": [("note", "Note"), ("email", "E-mail")],
        "EntryVisibilityEnum": [("public", "Public"), ("internal", "Internal")],
        "EmpowermentTierEnum": "resolutions.models.Tier",
        "ResolutionTypeEnum": "resolutions.models.ResolutionType",
    },
}

# --- I18N / time ----------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
# Development serves from the finders and needs no collected root; production collects here.
STATIC_ROOT = env.str("STATIC_ROOT", default="" if DEBUG else str(BASE_DIR / "staticfiles")) or None
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# In development WhiteNoise serves straight from the finders; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded attachments: private, served only through the visibility-checking download view.
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Paths whose bodies may be up to ATTACHMENT_MAX_BYTES instead of DATA_UPLOAD_MAX_MEMORY_SIZE.
LARGE_BODY_PATHS = [
    r"^/api/v1/tickets/[0-9a-f-]{36}/attachments/$",
    r"^/tickets/[0-9a-f-]{36}/entries/$",  # the composer's files
]
# The portal's new-ticket form and the requester's reply carry files too (desk.portal).
LARGE_BODY_PATHS += [r"^/tickets/new/$", r"^/tickets/[0-9a-f-]{36}/reply/$"]
# How often a requester's ticket page asks whether its ticket changed (desk.portal.follow).
PORTAL_POLL_SECONDS = env.int("PORTAL_POLL_SECONDS", default=20)

# --- Security (production defaults; every one can be relaxed from the environment) -----------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes and scrapers call the server directly over the private network (itsm.metrics).
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^metrics$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_FAILURE_VIEW = "itsm.api.views.csrf_failure"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Bounds on every JSON body the API parses (core.api.parsers): deeper or larger is a 400.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
API_JSON_MAX_MEMBERS = env.int("API_JSON_MAX_MEMBERS", default=10_000)

# --- Email ----------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif DEBUG:
    # The embedded demo writes each outgoing message to a file instead of a mail server.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(BASE_DIR / "var" / "mail")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="servicedesk@localhost")
# Replies to notifications go to support+<ticket reference>@<this domain> (inbound e-mail).
NOTIFICATIONS_REPLY_DOMAIN = env.str("NOTIFICATIONS_REPLY_DOMAIN", default="localhost")
# Absolute links in e-mails and chat messages (ticket pages, satisfaction links).
NOTIFICATIONS_BASE_URL = env.str("NOTIFICATIONS_BASE_URL", default="http://localhost:8000")

# --- Configuration memos --------------------------------------------------------------------
# How long a process keeps configuration (routing rules and weights, SLA policies, handler
# endpoints) without reading it again (core.memo). Changes are seen at once through Redis;
# without it every process checks a version row at most every CONFIG_MEMO_CHECK_SECONDS.
CONFIG_MEMO_MAX_AGE = env.float("CONFIG_MEMO_MAX_AGE", default=30.0)
CONFIG_MEMO_CHECK_SECONDS = env.float("CONFIG_MEMO_CHECK_SECONDS", default=1.0)

# Semantic triage (docs/triage.md): provider "wordllama" (bundled, offline) or "hashing".
TRIAGE_SEMANTIC = env.bool("TRIAGE_SEMANTIC", default=True)
TRIAGE_PROVIDER = env.str("TRIAGE_PROVIDER", default="wordllama")
TRIAGE_BLEND: dict = {}  # overrides routing.semantic.blend.BlendWeights by name
# The service-desk glossary (FR/DE/ES -> English) read before embedding; more files: docs/triage.md
TRIAGE_GLOSSARY = env.bool("TRIAGE_GLOSSARY", default=True)
TRIAGE_GLOSSARY_FILES = env.list("TRIAGE_GLOSSARY_FILES", default=[])
TRIAGE_LEARNED_REFRESH_SECONDS = env.float("TRIAGE_LEARNED_REFRESH_SECONDS", default=10.0)

# --- Integrations (sources in, handlers out) -------------------------------------------------
# INTEGRATION_SOURCES, INTEGRATION_HANDLERS (plugins by dotted path), private targets, signature
# tolerance, idempotency and retry timing (itsm.integration_settings, docs/plugins.md).
vars().update(integration_settings.from_environment(env))

# --- Observability: logs, /metrics access, Sentry (itsm.observability) -----------------------
# LOGGING, CELERY_WORKER_HIJACK_ROOT_LOGGER, METRICS_TOKEN, METRICS_ALLOWED_IPS; Sentry if set.
vars().update(observability.from_environment(env))
vars().update(case_handling.from_environment(env))  # resolutions, flags, repeats, CRM links
