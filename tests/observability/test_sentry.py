"""SENTRY_DSN: a real server process reports an unhandled error to a real HTTP endpoint on
127.0.0.1 standing in for Sentry's ingest (pytest-httpserver). This test's own process never
initialises Sentry: SENTRY_DSN is set only in the server's environment."""

import gzip
import json
import threading

import httpx
import pytest
import sentry_sdk

from tests.dashboard.server import SERVER, free_port, server_env
from tests.observability.processes import Watched

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

PASSWORD = "correct-horse-battery-staple-7"
NOTE = "my home address is 12 Example Street"
WAIT_SECONDS = 30


def envelope_items(body: bytes, encoding: str) -> list[tuple[dict, dict]]:
    """(item header, payload) pairs of a Sentry envelope: newline-separated JSON."""
    if encoding == "gzip":
        body = gzip.decompress(body)
    lines = body.split(b"\n")
    items = []
    for header, payload in zip(lines[1::2], lines[2::2], strict=False):
        if header.strip():
            items.append((json.loads(header), json.loads(payload)))
    return items


def test_an_unhandled_error_reaches_sentry_without_personal_data(tmp_path, httpserver):
    assert not sentry_sdk.get_client().is_active()  # only the server reports
    arrived = threading.Event()
    bodies: list[tuple[bytes, str]] = []

    def ingest(request):
        from werkzeug import Response

        bodies.append((request.get_data(), request.headers.get("Content-Encoding", "")))
        arrived.set()
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/api/1/envelope/", method="POST").respond_with_handler(ingest)
    env = server_env(
        tmp_path / "db.sqlite3",  # not migrated: signing in fails on a missing table, a 500
        SENTRY_DSN=f"http://publickey@127.0.0.1:{httpserver.port}/1",
        SENTRY_ENVIRONMENT="ci-test",
        # The outbox deliverer's sweep would report the missing tables first, with no request:
        # this test is about the request's error.
        EVENTS_IN_BACKGROUND="false",
    )
    port = free_port()
    server = Watched([*SERVER, "-b", "127.0.0.1", "-p", str(port), "itsm.asgi:application"], env)
    server.start().wait_for("Listening on TCP address")
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/api/auth/token/",
            json={"username": "someone", "password": PASSWORD, "note": NOTE},
            timeout=10,
        )
        assert response.status_code == 500
        assert arrived.wait(WAIT_SECONDS), "no envelope reached the ingest endpoint"
    finally:
        server.stop()

    items = [item for body, encoding in bodies for item in envelope_items(body, encoding)]
    events = [payload for header, payload in items if header.get("type") == "event"]
    assert events, [header for header, _ in items]
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "OperationalError"
    assert event["environment"] == "ci-test"
    assert event["request"]["url"].endswith("/api/auth/token/")
    sent = b"".join(gzip.decompress(b) if e == "gzip" else b for b, e in bodies)
    # send_default_pii off, and no request body or local variables: nothing the caller sent.
    assert PASSWORD.encode() not in sent and NOTE.encode() not in sent
    assert "ip_address" not in event.get("user", {})
