"""Logs, metrics access and Sentry, read from the environment and imported by itsm.settings
(docs/observability.md).

LOGGING: every process (the web servers, ``manage.py``, the Celery worker and beat) logs to
stderr through one handler, as text or, with ``LOG_FORMAT=json``, one JSON object per line
(core.logs). Refusals (4xx) are logged without their traceback.

METRICS_TOKEN / METRICS_ALLOWED_IPS: who may scrape ``/metrics`` (itsm.metrics); with neither,
the endpoint does not exist.

``init_sentry()``: error reporting, only when ``SENTRY_DSN`` is set.

``from_environment(env)`` is what itsm.settings takes, called once the settings have read the
``.env`` file, so that the file's LOG_FORMAT or SENTRY_DSN count as the environment's do.
"""

import ipaddress
import logging

import environ
from django.core.exceptions import ImproperlyConfigured

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def logging_config(*, level: str, log_format: str) -> dict:
    """The LOGGING dict: one console handler on the root logger that everything reaches."""
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}.")
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"refusals": {"()": "core.logs.RefusalTracebackFilter"}},
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": {"()": "core.logs.JsonLogFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["refusals"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's defaults give these loggers handlers of their own (a second, unformatted
        # copy of every django.* line under DEBUG): here they only propagate to the root's.
        "loggers": {
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
        },
    }


def from_environment(env: environ.Env) -> dict:
    """The observability settings (LOGGING, metrics access), and Sentry started if asked."""
    log_format = env.str("LOG_FORMAT", default="text").lower()
    if log_format == "json":
        # Python warnings (a library's deprecation, Celery's "running as root") would otherwise
        # be written raw to stderr between the JSON lines: they become ``py.warnings`` records.
        logging.captureWarnings(True)
    init_sentry(env)
    level = env.str("LOG_LEVEL", default="INFO")
    return {
        "LOGGING": logging_config(level=level, log_format=log_format),
        # Celery keeps the handlers LOGGING installed instead of replacing the root logger's
        # with its own, so the worker and beat log in the same format as the web processes.
        "CELERY_WORKER_HIJACK_ROOT_LOGGER": False,
        "METRICS_TOKEN": env.str("METRICS_TOKEN", default=""),
        "METRICS_ALLOWED_IPS": allowed_networks(env.list("METRICS_ALLOWED_IPS", default=[])),
    }


def allowed_networks(entries: list[str]) -> list[str]:
    """METRICS_ALLOWED_IPS, checked when the process starts: a typo fails loudly, not open."""
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {exc}") from exc
    return entries


def init_sentry(env: environ.Env) -> bool:
    """Report unhandled errors (requests and Celery tasks) to Sentry when SENTRY_DSN is set.
    No personal data: no user, cookies or client address (``send_default_pii=False``), and
    neither request bodies nor the stack frames' local variables, which carry what
    send_default_pii does not cover (a serializer's repr holds the password being checked,
    a ticket's description the requester's words): the test found the password there."""
    dsn = env.str("SENTRY_DSN", default="")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=env.str("SENTRY_ENVIRONMENT", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    return True
