"""itsm.webserver: how many web workers, and no websocket token in a log line."""

import json
import logging

import httpx
import pytest

from itsm import webserver
from tests.dashboard.server import prepare_database, server_env
from tests.itsm.processes import lines_once_written, procfile


def test_one_worker_without_redis_one_per_core_with_it(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setattr(webserver.os, "cpu_count", lambda: 4)
    assert webserver._workers() == 1  # the in-memory channel layer is one process's
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert webserver._workers() == 4
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert webserver._workers() == 3


def test_query_tokens_are_redacted_from_log_records():
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", "/ws/dashboard/?token=eyJhbGci.eyJzdWIi.sig&x=1"),
        None,
    )
    assert webserver.RedactQueryToken().filter(record) is True
    assert record.getMessage() == (
        '127.0.0.1:5000 - "WebSocket /ws/dashboard/?token=[redacted]&x=1" [accepted]'
    )


@pytest.mark.slow
@pytest.mark.embedded
def test_with_log_format_json_every_line_of_the_web_process_is_json(tmp_path):
    env = server_env(tmp_path / "db.sqlite3", LOG_FORMAT="json")
    prepare_database(env)  # a copy of the run's migrated template
    with procfile(env, "web") as (base, output):
        assert httpx.get(f"{base}/health", timeout=10).status_code == 200
        assert httpx.get(f"{base}/nowhere", timeout=10).status_code == 404
        logged = lines_once_written(output, '"uvicorn.access"', '"django.request"')
    # honcho's lines: "HH:MM:SS web.1  | <what web wrote>" (and its own "system | ..." ones).
    lines = [line.split(" | ", 1)[1] for line in logged if line.split()[1:2] == ["web.1"]]
    records = [json.loads(line) for line in lines]  # fails on any line that is not JSON
    loggers = {record["logger"] for record in records}
    assert {"gunicorn.error", "uvicorn.access", "django.request"} <= loggers
    assert not any("Traceback" in record["message"] for record in records)
