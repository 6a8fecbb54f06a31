"""The production path, as the README gives it: DEBUG off, `collectstatic` into the manifest
storage, then the Procfile's web process (gunicorn with uvicorn workers, under honcho)
answering pages whose static files come from that manifest; and, without Redis, beat running
the periodic jobs itself."""

import os
import re

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.dashboard.server import manage
from tests.itsm.processes import lines_once_written, procfile
from tests.itsm.test_settings import PRODUCTION_ENV

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

ADMIN = {"username": "admin", "password": "admin-demo-2026"}  # demo_admin's


@pytest.fixture(scope="module")
def production_with_output(tmp_path_factory):
    data = tmp_path_factory.mktemp("production")
    env = PRODUCTION_ENV | {
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(data / "static"),
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
        # Plain HTTP on loopback: no TLS proxy in front of this test server.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
    }
    env = run_env(env)
    for command in (
        ["collectstatic", "--noinput"],
        ["migrate", "--noinput"],
        ["seed_demo", "--tickets", "4"],
        ["demo_admin"],
    ):
        manage(env, *command)
    with procfile(env, "web") as served:
        yield served


@pytest.fixture(scope="module")
def production(production_with_output):
    return production_with_output[0]


def run_env(env: dict) -> dict:
    """This environment alone: nothing of the test run's database, secret or DEBUG leaks in."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    clean.pop("SECRET_KEY", None)
    clean.pop("DEBUG", None)
    return clean | env | {"DJANGO_SETTINGS_MODULE": "itsm.settings"}


def static_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_collected_assets_are_served_by_their_hashed_names(production):
    with httpx.Client(base_url=production, timeout=10) as browser:
        login = browser.get("/accounts/login/")
        assert login.status_code == 200
        assert "'unsafe-inline'" not in login.headers["Content-Security-Policy"]
        urls = static_urls(login.text)
        assert urls and all(re.search(r"\.[0-9a-f]{12}\.", url) for url in urls), urls
        for url in urls:
            assert browser.get(url).status_code == 200, url


def test_the_dashboard_and_its_chart_library_in_production(production):
    with httpx.Client(base_url=production, timeout=10) as browser:
        browser.get("/accounts/login/")
        signed_in = browser.post(
            "/accounts/login/",
            data=ADMIN | {"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            headers={"Referer": f"{production}/accounts/login/"},
        )
        assert signed_in.status_code == 302
        dashboard = browser.get("/dashboard/")
        assert dashboard.status_code == 200
        chart = [url for url in static_urls(dashboard.text) if "chart.umd.min" in url]
        assert len(chart) == 1
        script = browser.get(chart[0])
        assert script.status_code == 200 and "Chart.js v4." in script.text[:300]


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_broken_bodies_reach_the_application_under_the_production_server(production, content_type):
    for path in ("/api/auth/token/", "/api/v1/webhooks/ticket"):
        response = httpx.post(
            f"{production}{path}",
            content=b"x",
            headers={"Content-Type": content_type},
            timeout=10,
        )
        assert 400 <= response.status_code < 500, path
        assert list(response.json()["errors"]) == ["non_field_errors"], path


def test_the_websocket_is_served_and_its_token_never_logged(production_with_output):
    base, output = production_with_output
    url = base.replace("http", "ws") + "/ws/dashboard/?token=not-a-real-jwt"
    with (
        connect(url, origin=base, open_timeout=10) as socket,
        pytest.raises(ConnectionClosed) as closed,
    ):
        socket.recv(timeout=10)
    assert closed.value.rcvd.code == 4401  # accepted, then refused: no valid credentials
    logged = "\n".join(lines_once_written(output, "/ws/dashboard/?token="))
    assert "/ws/dashboard/?token=[redacted]" in logged
    assert "not-a-real-jwt" not in logged
