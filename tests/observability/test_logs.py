"""Request logs: refusals (4xx) in one line, failures (5xx) with their traceback, as text or as
one JSON object per line. Through the console handler LOGGING really installs in this process
(its stream swapped for a buffer), on requests Django really handles."""

import io
import json
import logging

import pytest
from django.test import Client

from core.logs import JsonLogFormatter
from itsm.observability import logging_config

pytestmark = pytest.mark.urls("tests.observability.urls")


@pytest.fixture
def console():
    """What the root logger's console handler writes, during the test."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    formatter = handler.formatter
    yield handler, stream
    handler.setStream(previous)
    handler.setFormatter(formatter)


def get(path: str):
    return Client(raise_request_exception=False).get(path)


@pytest.mark.parametrize(("path", "status"), [("/forbidden", 403), ("/missing", 404)])
def test_a_refusal_is_one_line_without_its_traceback(console, path, status):
    _, stream = console
    assert get(path).status_code == status
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert path in lines[0] and "WARNING django.request" in lines[0]
    assert "Traceback" not in stream.getvalue()


def test_a_disallowed_host_is_one_line_too(console):
    _, stream = console
    response = Client(raise_request_exception=False).get("/missing", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "django.security.DisallowedHost" in stream.getvalue()
    assert "Traceback" not in stream.getvalue()


def test_a_failure_keeps_its_traceback(console):
    _, stream = console
    assert get("/broken").status_code == 500
    text = stream.getvalue()
    assert "ERROR django.request Internal Server Error: /broken" in text
    assert "Traceback" in text and "RuntimeError: the view broke" in text


def test_json_lines_carry_level_logger_status_and_path(console):
    handler, stream = console
    handler.setFormatter(JsonLogFormatter())
    get("/missing")
    get("/broken")
    refused, failed = (json.loads(line) for line in stream.getvalue().splitlines())
    assert {k: refused[k] for k in ("level", "logger", "status_code", "path", "method")} == {
        "level": "WARNING",
        "logger": "django.request",
        "status_code": 404,
        "path": "/missing",
        "method": "GET",
    }
    assert refused["message"] == "Not Found: /missing" and "exc_info" not in refused
    assert refused["timestamp"].startswith("20")  # ISO 8601, UTC
    assert failed["status_code"] == 500 and "RuntimeError: the view broke" in failed["exc_info"]
    assert "request" not in failed  # the request object itself is never written


def test_log_format_is_text_or_json_only():
    assert logging_config(level="info", log_format="json")["handlers"]["console"]["formatter"] == (
        "json"
    )
    with pytest.raises(Exception, match="LOG_FORMAT"):
        logging_config(level="INFO", log_format="xml")
