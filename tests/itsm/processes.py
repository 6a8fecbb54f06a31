"""The Procfile's processes for real, as honcho starts them (`make serve`, production)."""

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.dashboard.server import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@contextmanager
def procfile(env: dict, *names: str, wait_for_http: bool = True):
    """``honcho start <names>`` from the Procfile with this environment; yields (base URL,
    output file) once web answers (or at once without web), and stops them afterwards."""
    port = free_port()
    env = env | {"PATH": f"{BIN}:{env.get('PATH', '')}", "HOST": "127.0.0.1"}
    # A file, not a pipe: a full pipe buffer would stall processes that log every request.
    with tempfile.NamedTemporaryFile(suffix=".log") as output:
        honcho = subprocess.Popen(
            [str(BIN / "honcho"), "--env", "/dev/null", "start", "--port", str(port), *names],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            if "web" in names and wait_for_http:
                wait_until_answering(base, honcho, Path(output.name).read_text)
            yield base, Path(output.name)
        finally:
            honcho.terminate()
            honcho.wait(timeout=30)


def wait_until_answering(
    base: str, process: subprocess.Popen, output: Callable[[], str], seconds: float = 60
) -> None:
    """Return once ``base`` answers /health; fail with the process's output if it ends or the
    time runs out (a bounded poll: 0.2 s steps; a server announces no readiness otherwise)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{base}/health", timeout=2)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the server did not start: {output()[-3000:]}")
            time.sleep(0.2)


def lines_once_written(output: Path, *texts: str) -> list[str]:
    """The log's lines once each text is in it: honcho relays them a moment after the answer
    (a bounded poll, 10 s at most; what is there then is returned either way)."""
    deadline = time.monotonic() + 10
    while not all(text in output.read_text() for text in texts) and time.monotonic() < deadline:
        time.sleep(0.1)
    return output.read_text().splitlines()
