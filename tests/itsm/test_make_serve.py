"""`make serve` as a developer types it: collected static files, DEBUG off, the Procfile's web
and beat (no REDIS_URL) under honcho, answering on the HOST and PORT given to make."""

import os
import signal
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.dashboard.server import free_port
from tests.itsm.processes import lines_once_written, wait_until_answering
from tests.itsm.test_production import run_env
from tests.itsm.test_settings import PRODUCTION_ENV

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

ROOT = Path(__file__).resolve().parents[2]


def test_make_serve_starts_web_and_beat_with_debug_off(tmp_path):
    port = free_port()
    env = run_env(
        PRODUCTION_ENV
        | {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "static"),
            "ALLOWED_HOSTS": "127.0.0.1",
        }
    )
    # -o: the suite's venv is the one to use, and no .env is written into the checkout.
    command = ["make", "--no-print-directory", "-o", "venv", "-o", ".env", "serve"]
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        make = subprocess.Popen(
            [*command, f"PORT={port}", "HOST=127.0.0.1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make, honcho and the processes: one group to stop
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_answering(base, make, Path(log.name).read_text, seconds=120)
            login = httpx.get(f"{base}/accounts/login/", timeout=10)
            assert login.status_code == 200
            assert 'src="/static/' in login.text and ".js" in login.text
            output = "\n".join(lines_once_written(Path(log.name), "beat: Starting"))
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=30)
    assert f"Serving http://127.0.0.1:{port}/ with DEBUG off (web beat;" in output
    assert "Listening at: http://127.0.0.1:" in output  # gunicorn, the Procfile's web
    assert "beat: Starting" in output
    assert (tmp_path / "static" / "staticfiles.json").exists()  # the manifest of collectstatic
