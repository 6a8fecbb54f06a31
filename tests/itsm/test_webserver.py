"""itsm.webserver: how many web workers, and no websocket token in a log line."""

import logging

from itsm import webserver


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
