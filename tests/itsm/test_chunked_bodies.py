"""Chunked request bodies (``Transfer-Encoding: chunked``, no Content-Length) through real
servers: daphne (``make run``) and gunicorn with uvicorn workers (the Procfile's web). A body
sent so is answered exactly as the same body sent with a Content-Length, and one over the size
limit gets the same 413 in the error format, with nothing written."""

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.dashboard.server import manage
from tests.itsm.processes import procfile
from tests.itsm.test_server import daphne, demo_environment

pytestmark = pytest.mark.embedded  # its servers are a SQLite file of their own, no Redis
ADMIN = {"username": "admin", "password": "admin-demo-2026"}
OVER_THE_LIMIT = 1024 * 1024 + 1  # DATA_UPLOAD_MAX_MEMORY_SIZE is 1 MiB


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> tuple[dict, Path, str]:
    """The server's environment, its SQLite file (seeded, with the demo admin) and a generic
    integration key."""
    data = tmp_path_factory.mktemp("chunked")
    env = demo_environment(data, tickets=2)
    key = manage(env, "create_api_key", "--source", "generic", "--name", "chunked")
    return env, data / "db.sqlite3", key.strip().splitlines()[-1]


@pytest.fixture(scope="module", params=["daphne", "gunicorn"])
def served(request, database) -> Iterator[tuple[str, Path, str]]:
    env, db_file, key = database
    if request.param == "daphne":
        with daphne(env) as base:
            yield base, db_file, key
    else:
        with procfile(env, "web") as (base, _):
            yield base, db_file, key


def chunked(body: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    """httpx sends an iterator's content with Transfer-Encoding: chunked, no Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def post(base: str, path: str, body: bytes, headers: dict, *, as_chunks: bool) -> httpx.Response:
    content = chunked(body) if as_chunks else body
    headers = headers | {"Content-Type": "application/json"}
    response = httpx.post(f"{base}{path}", content=content, headers=headers, timeout=30)
    request = response.request
    assert ("content-length" in request.headers) is not as_chunks
    assert (request.headers.get("transfer-encoding") == "chunked") is as_chunks
    return response


def webhook_headers(key: str) -> dict:
    return {"Authorization": f"Api-Key {key}", "X-Source-ID": "generic"}


def bearer(base: str) -> dict:
    token = httpx.post(f"{base}/api/auth/token/", json=ADMIN, timeout=10).json()["access"]
    return {"Authorization": f"Bearer {token}"}


def tickets_titled(db_file: Path, title: str) -> int:
    with sqlite3.connect(db_file) as db:
        return db.execute(
            "SELECT count(*) FROM tickets_ticket WHERE title = ?", [title]
        ).fetchone()[0]


def assert_refused_over_the_limit(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    assert list(response.json()["errors"]) == ["non_field_errors"], response.text


@pytest.mark.slow
def test_a_small_chunked_webhook_is_answered_as_with_a_content_length(served):
    base, db_file, key = served
    answers = {}
    for as_chunks in (True, False):
        title = f"small webhook {base} chunked={as_chunks}"
        payload = {"ticket_id": f"chunk-small-{as_chunks}-{base[-5:]}", "title": title}
        answer = post(
            base,
            "/api/v1/webhooks/ticket",
            json.dumps(payload).encode(),
            webhook_headers(key),
            as_chunks=as_chunks,
        )
        assert answer.status_code == 202, answer.text
        answers[as_chunks] = answer.json()["status"]
        assert tickets_titled(db_file, title) == 1
    assert answers[True] == answers[False]


@pytest.mark.slow
def test_a_small_chunked_ticket_is_created_as_with_a_content_length(served):
    base, db_file, _ = served
    auth = bearer(base)
    for as_chunks in (True, False):
        title = f"small ticket {base} chunked={as_chunks}"
        body = json.dumps(
            {
                "title": title,
                "description": "Sent in chunks." if as_chunks else "Sent whole.",
                "requester": {"email": "chunks@customer.example", "name": "Chunk Test"},
            }
        ).encode()
        answer = post(base, "/api/v1/tickets/", body, auth, as_chunks=as_chunks)
        assert answer.status_code == 201, answer.text
        assert answer.json()["title"] == title
        assert tickets_titled(db_file, title) == 1


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/api/v1/webhooks/ticket", "/api/v1/tickets/"])
def test_a_body_over_the_limit_is_413_as_with_a_content_length_and_writes_nothing(served, path):
    base, db_file, key = served
    headers = webhook_headers(key) if "webhooks" in path else bearer(base)
    title = f"too big {base} {path}"
    body = json.dumps({"ticket_id": title, "title": title, "description": "x" * OVER_THE_LIMIT})
    answers = {
        as_chunks: post(base, path, body.encode(), headers, as_chunks=as_chunks)
        for as_chunks in (True, False)
    }
    for answer in answers.values():
        assert_refused_over_the_limit(answer)
    assert answers[True].json() == answers[False].json()
    assert tickets_titled(db_file, title) == 0
