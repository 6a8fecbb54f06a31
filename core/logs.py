"""The log pieces every process shares (web servers, Celery worker and beat), wired into
LOGGING by itsm.observability.

Django logs every 4xx it answers: ``django.request`` a 403 (PermissionDenied) or a 404 (Http404),
``django.security.*`` a 400 (DisallowedHost, a suspicious operation), each with the exception's
traceback. A refusal is the application doing its job, so one line is kept and the traceback
dropped; a 5xx keeps its traceback, which is what an operator needs.
"""

import logging
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

REQUEST_LOGGERS = ("django.request", "django.security")


def _from_request_logger(name: str) -> bool:
    return any(name == logger or name.startswith(f"{logger}.") for logger in REQUEST_LOGGERS)


def is_refusal(record: logging.LogRecord) -> bool:
    """A request record (``status_code`` set by Django) whose answer was below 500."""
    status = getattr(record, "status_code", None)
    return _from_request_logger(record.name) and isinstance(status, int) and status < 500


class RefusalTracebackFilter(logging.Filter):
    """On a handler: request records of refusals (4xx) lose their traceback, not their line.
    A handler filter, not a logger one, because the records are logged on child loggers
    (``django.security.DisallowedHost``) and reach the handler by propagation."""

    def filter(self, record: logging.LogRecord) -> bool:
        if is_refusal(record):
            record.exc_info = None
            record.exc_text = None
        return True


class JsonLogFormatter(JsonFormatter):
    """One JSON object per line: ``timestamp``, ``level``, ``logger``, ``message``; request
    records add ``status_code`` (Django's own extra), ``method`` and ``path``; a traceback goes
    in ``exc_info`` as one string. The request object itself is never serialised (it would be
    its repr, and could carry what is not ours to log)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "taskName"])
        super().__init__("%(levelname)s %(name)s %(message)s", **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            log_data["method"] = getattr(request, "method", None)
            log_data["path"] = request.path
