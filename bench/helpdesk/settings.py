"""django-helpdesk 2.6.1 as a Django project installs it (its install docs: the contrib apps it
uses, DRF, `helpdesk` and its URLs), the third app of bench/http_driver.py (issue 18). Only our
settings: helpdesk's code comes from its own venv (bench/http_helpdesk.py, the versions in
bench/helpdesk/requirements.txt), never from the project's requirements.

Served like the floor and the project (gunicorn with itsm.webserver's uvicorn workers, a
psycopg pool per process, DEBUG off, e-mail to the console as the project's default). Its API
is authenticated with DRF's token authentication: one indexed read per request, like the
project's JWT (HTTP Basic would hash the password on every request).

    DJANGO_SETTINGS_MODULE=bench.helpdesk.settings DATABASE_URL=postgres://... \
        <helpdesk venv>/bin/gunicorn -c python:itsm.webserver bench.helpdesk.asgi:application
"""

import environ

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="helpdesk-benchmark-only-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.helpdesk.urls"
ASGI_APPLICATION = "bench.helpdesk.asgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": env.db_url("DATABASE_URL")}
# The floor's and the project's connection handling: a psycopg pool per process.
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 10}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default="/tmp/bench-helpdesk-static")  # noqa: S108
MEDIA_ROOT = env.str("MEDIA_ROOT", default="/tmp/bench-helpdesk-media")  # noqa: S108
LOGIN_URL = "/login/"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@localhost"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

# helpdesk's own switches at their defaults, but teams mode, which needs the optional
# pinax-teams app (the `teams` extra) for knowledge-base items only. (The knowledge base stays
# on: 2.6.1's urls.py fails to import with HELPDESK_KB_ENABLED = False.)
HELPDESK_TEAMS_MODE_ENABLED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
