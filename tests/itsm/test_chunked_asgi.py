"""A chunked body at the ASGI layer: the server hands it over in several ``http.request``
messages and its scope has no content-length header (daphne and uvicorn both de-chunk so).
Django's ASGIRequest then sets no CONTENT_LENGTH, and DRF reads a request without one as
empty; the handler tells the request the length it received. The same servers for real:
tests/itsm/test_chunked_bodies.py."""

import asyncio
import json
import tempfile

import pytest
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse
from django.test import override_settings

from core.api.middleware import BodySizeLimitMiddleware
from itsm.asgi_handler import OneHandOffASGIHandler
from tests.asgi import http_request, http_scope

CHUNKED = [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")]
LIMIT = 1024 * 1024  # DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.fixture(autouse=True)
def urls():
    with override_settings(
        ROOT_URLCONF="tests.itsm.chunked_urls", DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT
    ):
        yield


async def post_in_parts(app, parts: list[bytes], headers=CHUNKED) -> tuple[int, bytes]:
    """(status, body) of a POST whose body arrives in these parts, one message each."""
    status, _, body = await http_request(
        app, "/api/echo/", method="POST", parts=tuple(parts), headers=headers
    )
    return status, body


def test_a_body_in_two_messages_without_a_length_is_read_whole():
    app = OneHandOffASGIHandler(threads=1)
    parts = [b'{"title": "small ', b'chunked"}']
    status, body = asyncio.run(post_in_parts(app, parts))
    assert status == 200, body
    assert json.loads(body) == {
        "data": {"title": "small chunked"},
        "content_length": str(len(b"".join(parts))),
    }


def test_a_declared_length_is_left_as_it_was():
    app = OneHandOffASGIHandler(threads=1)
    whole = b'{"title": "declared"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(whole))]
    status, body = asyncio.run(post_in_parts(app, [whole], headers))
    assert (status, json.loads(body)["data"]) == (200, {"title": "declared"})


def test_a_body_over_the_limit_without_a_length_is_413_in_the_error_format():
    app = OneHandOffASGIHandler(threads=1)
    parts = [b'{"title": "', b"x" * LIMIT, b'"}']
    status, body = asyncio.run(post_in_parts(app, parts))
    assert status == 413, body
    assert json.loads(body) == {
        "errors": {"non_field_errors": [f"Request body over {LIMIT} bytes."]}
    }


def test_the_size_limit_refuses_an_undeclared_body_over_it_with_413_not_400():
    """A request that reaches the middleware with no length at all (not through the handler
    above) is measured, and one over the limit is refused with 413 like a declared one."""
    with tempfile.SpooledTemporaryFile() as body_file:
        body_file.write(b"x" * (LIMIT + 1))
        body_file.seek(0)
        request = ASGIRequest(
            http_scope("/api/echo/", headers=CHUNKED) | {"method": "POST"}, body_file
        )
        assert "CONTENT_LENGTH" not in request.META
        response = BodySizeLimitMiddleware(lambda request: HttpResponse("passed"))(request)
    assert response.status_code == 413
    assert json.loads(response.content)["errors"]["non_field_errors"] == [
        f"Request body over {LIMIT} bytes."
    ]
