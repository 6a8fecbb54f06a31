"""LOG_FORMAT=json in real processes: the server (daphne) and the Celery worker write one JSON
object per line, and nothing else, to their log stream."""

import json

import httpx
import pytest

from tests.dashboard.server import SERVER, free_port, server_env
from tests.observability.processes import Watched, celery

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


def parsed(lines: list[str]) -> list[dict]:
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON line: {line!r}\nall lines:\n" + "\n".join(lines)[-3000:])
    return records


def test_the_server_logs_one_json_object_per_line(tmp_path):
    # No migrations: signing in then fails on the missing tables, a real 500.
    env = server_env(tmp_path / "db.sqlite3", LOG_FORMAT="json", LOG_LEVEL="INFO")
    port = free_port()
    server = Watched([*SERVER, "-b", "127.0.0.1", "-p", str(port), "itsm.asgi:application"], env)
    server.start().wait_for("Listening on TCP address")
    base = f"http://127.0.0.1:{port}"
    try:
        assert httpx.get(f"{base}/no-such-page/", timeout=10).status_code == 404
        failed = httpx.post(
            f"{base}/api/auth/token/", json={"username": "a", "password": "b"}, timeout=10
        )
        assert failed.status_code == 500
        server.wait_for("Internal Server Error")
    finally:
        lines = server.stop()
    records = parsed(lines)
    assert all({"timestamp", "level", "logger", "message"} <= set(r) for r in records)
    by_status = {r.get("status_code"): r for r in records if r["logger"] == "django.request"}
    assert by_status[404]["path"] == "/no-such-page/" and "exc_info" not in by_status[404]
    assert by_status[500]["path"] == "/api/auth/token/"
    assert "OperationalError" in by_status[500]["exc_info"]
    access = [r for r in records if r["logger"] == "daphne.access"]
    assert {(r["method"], r["path"], r["status_code"]) for r in access} == {
        ("GET", "/no-such-page/", 404),
        ("POST", "/api/auth/token/", 500),
    }


def test_the_celery_worker_logs_json_too(tmp_path):
    """Celery keeps LOGGING's handler (CELERY_WORKER_HIJACK_ROOT_LOGGER off); its own warnings
    (a worker run as root is warned about) go through it as well."""
    env = server_env(tmp_path / "db.sqlite3", LOG_FORMAT="json")
    worker = Watched(
        celery("worker", "--pool=solo", "--without-gossip", "--without-mingle", "-l", "INFO"),
        env,
        merge_stdout=False,  # stdout carries the "Warm shutdown" notice, not logging
    )
    worker.start().wait_for("ready.")
    records = parsed(worker.stop())
    assert any(r["logger"] == "celery.apps.worker" and "ready." in r["message"] for r in records)
    assert all(r["level"] in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") for r in records)
