"""The floor: a bare Django REST framework project with one Ticket model, what the framework
costs before any product logic (issue 18). bench/http_driver.py runs it beside the project under the
same gunicorn configuration and on the same PostgreSQL (its own database).

It imports nothing of the project: Django, DRF, django-filter, django-environ and psycopg with
its pool, the versions pinned in requirements/base.txt. Only what a startproject with DRF needs;
no authentication (the framework's floor, not a product).

    DJANGO_SETTINGS_MODULE=bench.floor.settings DATABASE_URL=postgres://... \
        gunicorn -c python:itsm.webserver bench.floor.asgi:application
"""

import environ

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="floor-benchmark-only-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "django_filters",
    "bench.floor.tickets",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "bench.floor.urls"
ASGI_APPLICATION = "bench.floor.asgi.application"

DATABASES = {"default": env.db_url("DATABASE_URL")}
# Under ASGI each request's sync code runs in a thread of its own, so persistent per-thread
# connections would pile up; a psycopg pool per process is Django's answer, as in the project.
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 10}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
