"""`make run`'s server for real: daphne (itsm.server) serving itsm.asgi:application on
127.0.0.1, on a SQLite file migrated and seeded the way `make run` does it (the migration is
the run's template's: the same `migrate` on an empty file, made once, tests.dashboard.server)."""

import os
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.dashboard.server import manage, prepare_database
from tests.itsm.processes import wait_until_answering

pytestmark = pytest.mark.embedded  # its server is a SQLite file of its own, no Redis
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER = [sys.executable, "-m", "itsm.server"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_environment(data: Path, *, tickets: int) -> dict:
    """A server's environment on a SQLite file in ``data``, migrated and seeded as `make run`
    does (``tickets`` demo tickets, the demo admin)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
    }
    prepare_database(env)
    for command in (["seed_demo", "--tickets", str(tickets)], ["demo_admin"]):
        manage(env, *command)
    return env


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with daphne(demo_environment(tmp_path_factory.mktemp("served"), tickets=8)) as base:
        yield base


@contextmanager
def daphne(env: dict):
    """A daphne serving itsm.asgi:application on a free loopback port, with the given
    environment; yields its base URL once it answers, and stops it afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # A file, not a pipe: a full pipe buffer would stall a server that logs every request.
    with tempfile.TemporaryFile() as output:
        server = subprocess.Popen(
            [*SERVER, "--bind", "127.0.0.1", "--port", str(port), "itsm.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_answering(base, server, lambda: output_text(output), seconds=30)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.mark.slow
def test_health_over_real_http(served):
    response = httpx.get(f"{served}/health", timeout=5)
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.slow
def test_admin_sign_in_works_with_the_printed_credentials(served):
    with httpx.Client(base_url=served, timeout=10) as browser:
        login = browser.get("/admin/login/")
        assert login.status_code == 200
        assert browser.get("/static/admin/css/base.css").status_code == 200
        token = browser.cookies["csrftoken"]
        signed_in = browser.post(
            "/admin/login/?next=/admin/",
            data={
                "username": "admin",
                "password": "admin-demo-2026",
                "csrfmiddlewaretoken": token,
                "next": "/admin/",
            },
            headers={"Referer": f"{served}/admin/login/"},
            follow_redirects=True,
        )
        assert signed_in.status_code == 200
        assert "Site administration" in signed_in.text
        tickets = browser.get("/admin/tickets/ticket/")
        assert tickets.status_code == 200
        assert "INC-" in tickets.text


@pytest.mark.slow
def test_unknown_websocket_path_is_refused_not_crashed(served):
    """The websocket side of the ASGI app is mounted: an unrouted path is closed cleanly and
    HTTP keeps serving."""
    port = served.rsplit(":", 1)[1]
    with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as sock:
        sock.sendall(
            b"GET /ws/nowhere/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            b"Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1\r\n\r\n"
        )
        reply = sock.recv(1024)
    assert reply.startswith(b"HTTP/1.1 ")
    assert httpx.get(f"{served}/health", timeout=5).status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_multipart_without_a_boundary_is_answered_in_the_error_format(served, content_type):
    """Under plain daphne, Twisted answered these with a bare 400 before the app ran."""
    for path in ("/api/auth/token/", "/api/v1/tickets/", "/api/v1/webhooks/ticket"):
        response = httpx.post(
            f"{served}{path}", content=b"x", headers={"Content-Type": content_type}, timeout=10
        )
        assert 400 <= response.status_code < 500, path
        assert list(response.json()["errors"]) == ["non_field_errors"], path
    page = httpx.post(
        f"{served}/accounts/login/", content=b"x", headers={"Content-Type": content_type}
    )
    assert page.status_code in (400, 403) and page.text  # a page, with a body


@pytest.mark.slow
def test_uploads_still_reach_django_through_the_server(served):
    """Twisted no longer parses form bodies; Django does, once."""
    with httpx.Client(base_url=served, timeout=10) as api:
        token = api.post(
            "/api/auth/token/", json={"username": "admin", "password": "admin-demo-2026"}
        ).json()["access"]
        api.headers["Authorization"] = f"Bearer {token}"
        ticket = api.get("/api/v1/tickets/").json()["results"][0]["id"]
        upload = api.post(
            f"/api/v1/tickets/{ticket}/attachments/",
            files={"file": ("notes.txt", b"the router rebooted at 09:12", "text/plain")},
            data={"visibility": "internal"},
        )
        assert upload.status_code == 201, upload.text
        assert upload.json()["filename"] == "notes.txt"


@pytest.mark.slow
def test_api_errors_keep_their_field_messages_and_headers_over_the_server(served):
    """What the API.md client sees over HTTP: the field messages DRF gave, and the headers
    that say what to do (Allow, WWW-Authenticate), not a bare "Bad Request."."""
    with httpx.Client(base_url=served, timeout=10) as api:
        anonymous = api.get("/api/v1/tickets/")
        assert anonymous.status_code == 401 and "Bearer" in anonymous.headers["WWW-Authenticate"]
        token = api.post(
            "/api/auth/token/", json={"username": "admin", "password": "admin-demo-2026"}
        ).json()["access"]
        api.headers["Authorization"] = f"Bearer {token}"
        invalid = api.post("/api/v1/tickets/", json={"title": 5, "priority": "urgent"})
        assert invalid.status_code == 400
        errors = invalid.json()["errors"]
        assert "requester" in errors and "is not a valid choice" in errors["priority"][0]
        wrong_method = api.delete("/api/v1/tickets/")
        assert wrong_method.status_code == 405 and "POST" in wrong_method.headers["Allow"]


def output_text(output) -> str:
    output.seek(0)
    return output.read().decode(errors="replace")
