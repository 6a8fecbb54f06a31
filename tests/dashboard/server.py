"""Real servers for the browser and scale-out tests: daphne serving itsm.asgi:application on
a free 127.0.0.1 port, against a temporary SQLite file (as tests/itsm/test_server.py does)."""

import fcntl
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER = [sys.executable, "-m", "itsm.server"]  # daphne, as `make run` starts it
ADMIN = ("dash-admin", "dash-admin-pass-2026")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database: Path, **extra: str) -> dict:
    """The embedded configuration (DEBUG, SQLite file, no Redis) unless ``extra`` says more."""
    dropped = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return (
        env
        | {
            "DJANGO_SETTINGS_MODULE": "itsm.settings",
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SUPERUSER_USERNAME": ADMIN[0],
            "DJANGO_SUPERUSER_EMAIL": "dash-admin@example.com",
            "DJANGO_SUPERUSER_PASSWORD": ADMIN[1],
        }
        | extra
    )


def manage(env: dict, *args: str) -> str:
    """``manage.py <args>`` in a process of its own with this environment; its output."""
    return python(env, "manage.py", *args)


def python(env: dict, *args: str) -> str:
    """``python <args>`` from the project directory with this environment; its output."""
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"{args[:2]}: {done.stdout[-1500:]}{done.stderr[-2000:]}"
    return done.stdout


def stop(process: subprocess.Popen | None, timeout: float = 10) -> None:
    """Terminate a server process, killing it if it does not end in time."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def prepare_database(env: dict) -> None:
    """The server's database migrated, with the superuser ``env`` names (if it names one). A
    SQLite file is a copy of one migrated once per test run: migrating from nothing costs about
    14 s of CPU, and a dozen modules each start a server of their own."""
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    if database == env["DATABASE_URL"]:  # not SQLite: migrate it
        manage(env, "migrate", "--noinput")
        if "DJANGO_SUPERUSER_USERNAME" in env:
            manage(env, "createsuperuser", "--noinput")
        return
    shutil.copyfile(migrated_template(env), database)


def migrated_template(env: dict) -> Path:
    """A SQLite file migrated (and given ``env``'s superuser, if any) once per test run and
    shared by its xdist workers: the first to need it makes it under a lock, the others wait
    and copy. Its folder is named after the run's controller (a worker's parent), which removes
    it at the end (tests/conftest.py)."""
    username = env.get("DJANGO_SUPERUSER_USERNAME")
    password = env.get("DJANGO_SUPERUSER_PASSWORD", "")
    key = hashlib.sha256(f"{username}\0{password}".encode()).hexdigest()[:16]
    folder = templates_folder() / key
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / "db.sqlite3"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not template.exists():
            making = folder / "making.sqlite3"
            making.unlink(missing_ok=True)
            making_env = env | {"DATABASE_URL": f"sqlite:///{making}"}
            manage(making_env, "migrate", "--noinput")
            if username:
                manage(making_env, "createsuperuser", "--noinput")
            making.rename(template)  # only a whole template is ever seen
    return template


def templates_folder() -> Path:
    """Where this run's migrated templates live: one folder per controller process."""
    controller = os.getppid() if "PYTEST_XDIST_WORKER" in os.environ else os.getpid()
    return Path(tempfile.gettempdir()) / f"itsm-migrated-{controller}"


def seeded_server(database: Path, seed: Path) -> tuple["Server", str]:
    """A migrated database, seeded by a ``manage.py shell`` script, served; returns the running
    server and what the script printed."""
    env = server_env(database)
    prepare_database(env)
    printed = manage(env, "shell", "-c", seed.read_text())
    return Server(env).start(), printed


class Server:
    """daphne in a subprocess; its output is read by a thread, which tells when it listens."""

    def __init__(self, env: dict, port: int | None = None) -> None:
        self.env = env
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.lines: list[str] = []

    def start(self) -> "Server":
        listening = threading.Event()
        self.lines = []
        self.process = subprocess.Popen(
            [*SERVER, "-b", "127.0.0.1", "-p", str(self.port), "itsm.asgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

        def read(stream) -> None:
            for line in stream:
                self.lines.append(line)
                if "Listening on TCP address" in line:
                    listening.set()
            listening.set()  # exited: stop waiting

        threading.Thread(target=read, args=(self.process.stdout,), daemon=True).start()
        if not listening.wait(timeout=60) or self.process.poll() is not None:
            self.stop()
            pytest.fail("daphne did not start: " + "".join(self.lines)[-2000:])
        return self

    def stop(self) -> None:
        stop(self.process)


class Worker:
    """``celery -A itsm worker`` in a subprocess: with a broker, it delivers the events the
    servers' commits queue (core.drain_stream)."""

    def __init__(self, env: dict) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "itsm",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def access_token(base: str) -> str:
    response = httpx.post(
        f"{base}/api/auth/token/",
        json={"username": ADMIN[0], "password": ADMIN[1]},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["access"]


def create_ticket(base: str, token: str, title: str) -> dict:
    response = httpx.post(
        f"{base}/api/v1/tickets/",
        json={
            "title": title,
            "description": "Created by the dashboard test.",
            "requester": {"email": "live@customer.example", "name": "Live Test"},
            "priority": "high",
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()
