"""ASGI server benchmark: daphne (``python -m itsm.server``) against uvicorn workers under
gunicorn, serving ``itsm.asgi:application`` over HTTP on loopback.

    bash bench/with-postgres VENV/bin/python bench/webservers.py [--duration 10] [--reps 3]
        [--processes 1,2] [--connections 4,16]

VENV is the project's (requirements/dev.txt holds gunicorn, uvicorn-worker, httptools, uvloop and
websockets through prod.txt); the load generator is ``wrk`` (Debian's package). Works on a throwaway
database next to the one DATABASE_URL names (``test_<name>``, created and dropped here): migrate,
``seed_demo --tickets N``, ``collectstatic`` into a temporary STATIC_ROOT. For each process
count both contenders run side by side on their own ports, as in production (DEBUG off, no
REDIS_URL), with the API's per-user throttle raised so that it does not answer 429:

- daphne: N processes of ``python -m itsm.server --fd FD -v 0 itsm.asgi:application`` on one
  pre-bound 127.0.0.1 socket (the kernel spreads connections over them, as in
  bench/webhooks.py; ``-v 0``: no access log, as gunicorn's default);
- uvicorn: ``gunicorn -k uvicorn_worker.UvicornWorker -w N -b 127.0.0.1:PORT
  itsm.asgi:application`` (gunicorn's workers share its one socket the same way).

Cases: GET /health, GET /api/v1/tickets/ (page 1, as maria.manager with a JWT fetched from
POST /api/auth/token/ before each run), GET /accounts/login/, each at every connection count.
Every run is ``wrk -t1 -cC -dD`` with keep-alive; the contenders alternate run by run (A B, B A,
A B ...) so that drift from other work on the machine falls on both. Reported: requests/s,
p50 and p99 latency (medians over the repetitions, with min-max), errors (socket errors and
non-2xx/3xx answers, summed), the servers' CPU per request (from /proc) and each process's RSS
after the runs. Then the websocket and startup checks: /ws/dashboard/ with a token, without one
and from a foreign origin; a multipart body without a boundary; and what each server wrote to
its log at startup and under load.
"""

import argparse
import asyncio
import contextlib
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-deployment-000")
os.environ.setdefault("ENV_FILE", "")  # a developer's .env (DEBUG=true) is not measured
os.environ["DEBUG"] = "false"
STATIC_ROOT = tempfile.mkdtemp(prefix="bench-static.")
os.environ["STATIC_ROOT"] = STATIC_ROOT

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("httpx").setLevel(logging.WARNING)

import httpx  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from webserver_checks import bad_multipart, log_notes, websocket_checks  # noqa: E402

USER, PASSWORD = "maria.manager", "demo-pass-2026"  # seed_demo's demo manager
CASES = [
    ("GET /health", "/health", False),
    ("GET /api/v1/tickets/", "/api/v1/tickets/", True),
    ("GET /accounts/login/", "/accounts/login/", False),
]
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One contender: its processes, its port and its log file."""

    def __init__(self, name: str, processes: int, env: dict, logs: Path) -> None:
        self.name = name
        self.processes = processes
        self.log_path = logs / f"{name}-{processes}.log"
        self.log = self.log_path.open("w")
        self.popen: list[subprocess.Popen] = []
        if name == "daphne":
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", 0))
            listener.listen(512)
            self.port = listener.getsockname()[1]
            self.command = [
                sys.executable,
                "-m",
                "itsm.server",
                "--fd",
                str(listener.fileno()),
                "-v",
                "0",
                "itsm.asgi:application",
            ]
            for _ in range(processes):
                self.popen.append(
                    subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
                        self.command,
                        pass_fds=[listener.fileno()],
                        env=env,
                        cwd=ROOT,
                        stdout=self.log,
                        stderr=subprocess.STDOUT,
                    )
                )
            listener.close()  # the servers hold their own copies
        else:
            self.port = free_port()
            self.command = [
                str(BIN / "gunicorn"),
                "-k",
                "uvicorn_worker.UvicornWorker",
                "-w",
                str(processes),
                "-b",
                f"127.0.0.1:{self.port}",
                # gunicorn 27's default control socket lives in $HOME: not for a benchmark.
                "--no-control-socket",
                "itsm.asgi:application",
            ]
            self.popen.append(
                subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
                    self.command, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
                )
            )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer /health within 90 s: see {self.log_path}")

    def pids(self) -> dict[int, str]:
        """Every process of this server with its role (gunicorn: master and workers)."""
        found = {}
        for process in self.popen:
            found[process.pid] = "master" if self.name == "uvicorn" else "server"
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
            try:
                for child in children.read_text().split():
                    found[int(child)] = "worker"
            except OSError:
                pass
        return found

    def stop(self) -> None:
        for process in self.popen:
            process.terminate()
        for process in self.popen:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
        self.log.close()


def cpu_seconds(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def token(server: Server) -> str:
    response = httpx.post(
        f"{server.base}/api/auth/token/",
        json={"username": USER, "password": PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access"]


def wrk(server: Server, path: str, auth: bool, connections: int, duration: int, lua: Path):
    command = [
        shutil.which("wrk") or "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(lua),
    ]
    if auth:
        command += ["-H", f"Authorization: Bearer {token(server)}"]
    command.append(server.base + path)
    pids = server.pids()
    before = {pid: cpu_seconds(pid) for pid in pids}
    result = subprocess.run(  # noqa: S603 - wrk, fixed arguments
        command, capture_output=True, text=True, timeout=duration + 60, check=True
    )
    cpu = {pid: cpu_seconds(pid) - before[pid] for pid in pids}
    report = json.loads(next(ln for ln in result.stdout.splitlines() if ln.startswith("{")))
    requests = report["requests"]
    workers = sorted((c for pid, c in cpu.items() if pids[pid] != "master"), reverse=True)
    return {
        "rps": requests / (report["duration_us"] / 1e6),
        "p50": report["p50_us"] / 1000,
        "p99": report["p99_us"] / 1000,
        "errors": sum(report[k] for k in ("connect", "read", "write", "status", "timeout")),
        "non2xx": report["status"],
        "cpu_ms": sum(cpu.values()) * 1000 / max(requests, 1),
        # The busiest process's share of the server CPU (0.5 = even over two processes).
        "busiest": workers[0] / max(sum(workers), 1e-9) if workers else 1.0,
    }


def check_endpoints(server: Server) -> None:
    headers = {"Authorization": f"Bearer {token(server)}"}
    for label, path, auth in CASES:
        response = httpx.get(server.base + path, headers=headers if auth else {}, timeout=30)
        if response.status_code != 200:
            raise SystemExit(f"{server.name}: {label} answered {response.status_code}")
    tickets = httpx.get(f"{server.base}/api/v1/tickets/", headers=headers, timeout=30).json()
    print(
        f"  {server.name}: all cases 200; tickets page 1 has "
        f"{len(tickets.get('results', []))} of {tickets.get('count')} tickets"
    )


def spread(values: list[float], digits: int = 0) -> str:
    return (
        f"{statistics.median(values):.{digits}f} "
        f"({min(values):.{digits}f}-{max(values):.{digits}f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--connections", default="4,16")
    parser.add_argument("--tickets", type=int, default=300, help="seed_demo --tickets")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL (bash bench/with-postgres ...).")
    for tool in ("gunicorn",):
        if not (BIN / tool).exists():
            raise SystemExit(f"{BIN / tool} missing: install gunicorn and uvicorn-worker")
    if not shutil.which("wrk"):
        raise SystemExit("wrk missing (apt-get install wrk)")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    work = Path(tempfile.mkdtemp(prefix="bench-webservers."))
    lua = work / "report.lua"
    lua.write_text(WRK_REPORT)
    servers: list[Server] = []
    try:
        started = time.perf_counter()
        # The console e-mail backend prints every demo notification: not into this report.
        with contextlib.redirect_stdout(io.StringIO()):
            call_command("seed_demo", tickets=args.tickets, stdout=io.StringIO())
        call_command("collectstatic", interactive=False, verbosity=0)
        took = time.perf_counter() - started
        print(f"seeded (seed_demo --tickets {args.tickets}) and collected static in {took:.0f}s")
        settings_dict = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
                f"{settings_dict['PORT']}/{settings_dict['NAME']}"
            ),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "API_RATE_USER": "1000000/min",
        }
        env.pop("REDIS_URL", None)
        connection.close()
        results: dict[tuple, list[dict]] = {}
        memory: list[str] = []
        notes: list[str] = []
        for processes in [int(p) for p in args.processes.split(",")]:
            pair = [Server(name, processes, env, work) for name in ("daphne", "uvicorn")]
            servers += pair
            for server in pair:
                server.wait_ready()
                print(f"{processes} process(es), {server.name}: {' '.join(server.command)}")
                check_endpoints(server)
            for server in pair:  # warm-up: every path on every process
                for _, path, auth in CASES:
                    wrk(server, path, auth, 16, 2, lua)
            for label, path, auth in CASES:
                for conns in [int(c) for c in args.connections.split(",")]:
                    for rep in range(args.reps):
                        for server in pair if rep % 2 == 0 else pair[::-1]:
                            run = wrk(server, path, auth, conns, args.duration, lua)
                            results.setdefault((processes, label, conns, server.name), []).append(
                                run
                            )
                            print(
                                f"  {processes}p {label:<22} c{conns:<3} {server.name:<8} "
                                f"{run['rps']:7.1f} req/s  p50 {run['p50']:6.1f} ms  "
                                f"p99 {run['p99']:6.1f} ms  errors {run['errors']}  "
                                f"cpu {run['cpu_ms']:.2f} ms/req  busiest {run['busiest']:.2f}",
                                flush=True,
                            )
            for server in pair:
                for pid, role in server.pids().items():
                    memory.append(
                        f"| {processes} | {server.name} | {role} | {pid} | {rss_mib(pid):.0f} |"
                    )
                if processes == min(int(p) for p in args.processes.split(",")):
                    ws = asyncio.run(websocket_checks(server, token(server)))
                    notes += [f"{server.name}: {line}" for line in ws]
                    notes.append(f"{server.name}: {bad_multipart(server, token(server))}")
            for server in pair:
                server.stop()
                notes += [f"{server.name} {processes}p log: {ln}" for ln in log_notes(server)]
        rows = [
            "| processes | case | conns | server | req/s median (min-max) | p50 ms | p99 ms "
            "| errors | server CPU ms/req | busiest process share |",
            "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for (processes, label, conns, name), runs in results.items():
            rows.append(
                f"| {processes} | {label} | {conns} | {name} | {spread([r['rps'] for r in runs])} "
                f"| {spread([r['p50'] for r in runs], 1)} | {spread([r['p99'] for r in runs], 1)} "
                f"| {sum(r['errors'] for r in runs)} "
                f"| {statistics.median(r['cpu_ms'] for r in runs):.2f} "
                f"| {statistics.median(r['busiest'] for r in runs):.2f} |"
            )
        print("\nMarkdown:\n" + "\n".join(rows))
        print("\nRSS after the runs:\n| processes | server | role | pid | RSS MiB |")
        print("|---:|---|---|---:|---:|\n" + "\n".join(memory))
        print("\nChecks and logs:\n" + "\n".join(f"- {note}" for note in notes))
    finally:
        for server in servers:
            if any(process.poll() is None for process in server.popen):
                server.stop()
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)
        print(f"\n(server logs kept in {work})")


if __name__ == "__main__":
    main()
