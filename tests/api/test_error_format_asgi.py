"""The API's 4xx through the ASGI application as servers call it (core.api.error_format's
wrapper outside Django's handler): DRF's answers keep their field messages and headers; only
a non-JSON 4xx (one Django's handler made itself) is reshaped, and keeps the headers that
mean something to the client. Django's handler sends header names as the response set them
("Content-Type"), not lowercased: the wrapper once missed them and reshaped every 4xx."""

import asyncio
import json

from core.api.error_format import ApiErrorFormatASGI
from itsm.asgi import application
from tests.asgi import http_request


def call(app, path: str, *, body: bytes = b"", **options) -> tuple:
    """(status, headers by lowercased name, body)."""
    status, headers, content = asyncio.run(http_request(app, path, parts=(body,), **options))
    return status, {name.lower(): value for name, value in headers.items()}, content


def test_drf_field_messages_reach_the_client():
    body = json.dumps({"username": ""}).encode()
    status, headers, content = call(
        application,
        "/api/auth/token/",
        method="POST",
        body=body,
        headers=[(b"content-type", b"application/json"), (b"content-length", b"16")],
    )
    assert status == 400 and headers[b"content-type"] == b"application/json"
    errors = json.loads(content)["errors"]
    assert set(errors) == {"username", "password"}  # not {"non_field_errors": ["Bad Request."]}


def test_drf_headers_reach_the_client():
    status, headers, content = call(application, "/api/v1/tickets/")
    assert status == 401 and headers[b"www-authenticate"].startswith(b"Bearer")
    assert json.loads(content)["errors"]["non_field_errors"] == [
        "Authentication credentials were not provided."
    ]


def _django_like(status: int, content_type: bytes, body: bytes):
    """An inner app that answers as Django's ASGI handler does: header names in their case."""

    async def app(scope, receive, send) -> None:
        await receive()
        headers = [
            (b"Content-Type", content_type),
            (b"Retry-After", b"30"),
            (b"Allow", b"GET, POST"),
            (b"X-Frame-Options", b"DENY"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def test_a_non_json_4xx_is_reshaped_and_keeps_the_headers_that_mean_something():
    app = ApiErrorFormatASGI(_django_like(429, b"text/html; charset=utf-8", b"<h1>Slow</h1>"))
    status, headers, content = call(app, "/api/v1/tickets/")
    assert status == 429 and json.loads(content) == {
        "errors": {"non_field_errors": ["Too Many Requests."]}
    }
    assert headers[b"retry-after"] == b"30" and headers[b"allow"] == b"GET, POST"
    assert b"x-frame-options" not in headers and headers[b"content-type"] == b"application/json"


def test_a_json_4xx_passes_unchanged():
    body = b'{"errors": {"priority": ["\\"urgent\\" is not a valid choice."]}}'
    app = ApiErrorFormatASGI(_django_like(400, b"application/json", body))
    status, headers, content = call(app, "/api/v1/tickets/")
    assert (status, content) == (400, body) and headers[b"retry-after"] == b"30"
