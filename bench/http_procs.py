"""Processes of the HTTP benchmark (bench/http_driver.py): the web servers and the Celery worker as
the Procfile starts them, a throwaway Redis, and the CPU time of whole process trees from /proc."""

import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APP = "itsm.asgi:application"
FLOOR_APP = "bench.floor.asgi:application"
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile(role: str) -> str:
    """The Procfile's command for a role, so that the benchmark runs what production runs."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{role}:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"Procfile has no {role!r} line")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # ended meanwhile
        return None


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree_cpu(root: int) -> float:
    """CPU seconds of a process and all its live descendants, plus what the descendants that
    already ended spent (the kernel adds a reaped child's time to its parent's cutime/cstime):
    a PostgreSQL backend or a prefork child that exits mid-run is still counted."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        fields = _stat(pid)
        if fields is None:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        pending += _children(pid)
    return total / TICK


def marked_cpu(root: int, marker: bytes) -> float:
    """CPU seconds of the process trees under `root` whose command line contains `marker` (the
    project's delivery child: its share of the web tree, reported apart)."""
    total, pending = 0.0, _children(root)
    while pending:
        pid = pending.pop()
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if marker in command:
            total += tree_cpu(pid)
        else:
            pending += _children(pid)
    return total


def parent_pid(pid: int) -> int:
    fields = _stat(pid)
    if fields is None:
        raise SystemExit(f"process {pid} not visible in /proc")
    return int(fields[1])


@dataclass
class Proc:
    """One started process (a Procfile line run by bash's exec, so the pid is the program's)."""

    name: str
    command: str
    env: dict
    log_path: Path
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> "Proc":
        log = self.log_path.open("w")
        self.popen = subprocess.Popen(  # noqa: S603 - our own Procfile lines
            ["/bin/bash", "-c", f"exec {self.command}"],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def cpu(self) -> float:
        return tree_cpu(self.pid)

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self) -> None:
        if not self.alive():
            return
        assert self.popen is not None
        self.popen.terminate()
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=30)


def web(*, name: str, app: str, env: dict, workers: int, logs: Path) -> tuple[Proc, str]:
    """The Procfile's web line on a free loopback port, serving `app` (the project's or the
    floor's), with `workers` gunicorn workers: both apps get the same server configuration."""
    port = free_port()
    command = procfile("web").replace(PROJECT_APP, app)
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    proc = Proc(name=name, command=command, env=env, log_path=logs / f"{name}.log").start()
    return proc, f"http://127.0.0.1:{port}"


def worker(*, env: dict, logs: Path) -> Proc:
    return Proc(
        name="celery-worker",
        command=procfile("worker"),
        env=env,
        log_path=logs / "celery-worker.log",
    ).start()


def redis_server(logs: Path) -> tuple[Proc, str]:
    """A throwaway Redis on a free loopback port: no persistence, gone with the run."""
    binary = shutil.which("redis-server")
    if not binary:
        raise SystemExit("redis-server missing (apt-get install redis-server) or pass --redis-url")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="bench-redis.", dir=logs)
    command = shlex.join(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    )
    proc = Proc(
        name="redis",
        command=f"{command} --dir {shlex.quote(workdir)}",
        env=dict(os.environ),
        log_path=logs / "redis.log",
    ).start()
    wait_port(port, proc)
    return proc, f"redis://127.0.0.1:{port}/0"


def wait_port(port: int, proc: Proc, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not proc.alive():
            raise SystemExit(f"{proc.name} exited: see {proc.log_path}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"{proc.name} did not listen on {port} within {seconds:.0f} s")
