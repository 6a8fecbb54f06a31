"""Webhook ingestion benchmark: a concurrent loopback client against the ASGI server.

    bash bench/with-postgres .venv/bin/python bench/webhooks.py [--requests 2000]
        [--concurrency 16] [--workers 1,2]

Works on a throwaway database next to the one DATABASE_URL names (``test_<name>``, created and
dropped here; existing data is never touched). Seeds 20 teams and 100 agents, creates a
`generic` API key with a rate high enough not to throttle, then for each worker count starts
that many daphne processes serving ``itsm.asgi:application`` on one pre-bound 127.0.0.1 socket
(the kernel spreads connections over them), without REDIS_URL: routing, SLA start and the audit
rows run in the request's after-commit path, as in the embedded default. An httpx client sends
a bounded number of StandardTicket deliveries (distinct ids) with a fixed concurrency and
reports accepted tickets/s and latency percentiles. The server is stopped at the end.
"""

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-deployment-000")
os.environ.setdefault("ENV_FILE", "")  # a developer's .env (DEBUG=true) is not measured

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("httpx").setLevel(logging.WARNING)

import httpx  # noqa: E402
from django.db import connection  # noqa: E402

from core.models import AuditLog  # noqa: E402
from integrations.actions.keys import create_api_key  # noqa: E402
from tests import factories  # noqa: E402
from tickets.models import Ticket  # noqa: E402

CATEGORIES = ["network", "hardware", "software", "access", "email", "database", "security"]
RNG = random.Random(2026)  # noqa: S311 - reproducible data, not security


def seed() -> str:
    for index in range(20):
        team = factories.TeamFactory(
            slug=f"team-{index}",
            capabilities=RNG.sample(CATEGORIES, 2),
            max_bandwidth=10_000,
        )
        for _ in range(5):
            factories.AgentFactory(teams=[team])
    key, raw = create_api_key(source="generic", name="bench")
    type(key).objects.filter(pk=key.pk).update(rate_per_minute=1_000_000)
    return raw


def start_servers(workers: int, database_url: str) -> tuple[list[subprocess.Popen], int]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    port = listener.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    servers = [
        subprocess.Popen(  # noqa: S603 - our own daphne, fixed arguments
            [
                str(ROOT / ".venv/bin/daphne"),
                "--fd",
                str(listener.fileno()),
                "-v",
                "0",
                "itsm.asgi:application",
            ],
            pass_fds=[listener.fileno()],
            env=env,
            cwd=ROOT,
            # The embedded default's console e-mail backend prints every receipt: rendered
            # and written as in production, but not into this report.
            stdout=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    listener.close()  # the servers hold their own copies
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return servers, port
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(servers)
    raise SystemExit("the ASGI server did not answer /health within 60 s")


def stop(servers: list[subprocess.Popen]) -> None:
    for server in servers:
        server.terminate()
    for server in servers:
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)


def payload(run: str, index: int) -> dict:
    category = CATEGORIES[index % len(CATEGORIES)]
    return {
        "ticket_id": f"{run}-{index}",
        "title": f"{category} problem number {index}",
        "description": "Benchmark delivery. " * 10,
        "category": category,
        "urgency": str(1 + index % 3),
        "impact": str(1 + (index // 3) % 3),
        "requester": {"email": f"user{index % 500}@bench.example", "name": f"User {index % 500}"},
        "requester_location": {"lat": 40.7, "lng": -74.0, "timezone": "America/New_York"},
        "external_metadata": {"bench": True, "n": index},
    }


async def load(port: int, key: str, run: str, count: int, concurrency: int) -> tuple[list, dict]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(count):
        queue.put_nowait(index)
    headers = {"Authorization": f"Api-Key {key}", "X-Source-ID": "generic"}
    # A connection per request: with keep-alive, each server process keeps the connections the
    # kernel handed it at the start, and one process could get 12 of 16 while the other idles.
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=0)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, limits=limits, timeout=60
    ) as client:

        async def worker() -> None:
            while True:
                try:
                    index = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                response = await client.post("/api/v1/webhooks/ticket", json=payload(run, index))
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, statuses


def cpu_seconds(pids: list[int] | None = None, comm: str = "") -> float:
    """User + system CPU of the given processes, or of every process named `comm` (PostgreSQL's
    backends), from /proc (Linux)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (pids is not None and int(entry.name) not in pids):
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)[1].split()
        if comm and name != comm:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", default="1,2", help="daphne processes per run")
    parser.add_argument("--warmup", type=int, default=100)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL (bash bench/with-postgres ...).")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}"
    )
    rows = [
        "| daphne processes | requests | concurrency | accepted | tickets/s "
        "| p50 ms | p95 ms | p99 ms | max ms | CPU ms/delivery: server, PostgreSQL, client |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    try:
        key = seed()
        connection.close()
        for workers in [int(w) for w in args.workers.split(",")]:
            servers, port = start_servers(workers, database_url)
            try:
                run = f"w{workers}"
                asyncio.run(load(port, key, f"{run}-warm", args.warmup, args.concurrency))
                before = Ticket.objects.count()
                server_pids = [server.pid for server in servers]
                cpu_before = (
                    cpu_seconds(server_pids),
                    cpu_seconds(comm="postgres"),
                    time.process_time(),
                )
                started = time.perf_counter()
                latencies, statuses = asyncio.run(
                    load(port, key, run, args.requests, args.concurrency)
                )
                elapsed = time.perf_counter() - started
                cpu_after = (
                    cpu_seconds(server_pids),
                    cpu_seconds(comm="postgres"),
                    time.process_time(),
                )
            finally:
                stop(servers)
            created = Ticket.objects.filter(external_id__startswith=f"{run}-").exclude(
                external_id__startswith=f"{run}-warm"
            )
            accepted = statuses.get(202, 0)
            routed = created.filter(team__isnull=False).count()
            with_sla = created.filter(sla_clock__isnull=False).count()
            audited = AuditLog.objects.filter(
                action="webhook.accepted", ticket_id__in=created
            ).count()
            new = Ticket.objects.count() - before
            p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
            print(
                f"\n{workers} process(es): {accepted} accepted of {args.requests} "
                f"(statuses {statuses}) in {elapsed:.1f}s; new tickets {new}, "
                f"routed {routed}, SLA clocks {with_sla}, audit rows {audited}"
            )
            print(f"  {accepted / elapsed:.0f} tickets/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms")
            server_ms, postgres_ms, client_ms = (
                (after - before_) * 1000 / args.requests
                for before_, after in zip(cpu_before, cpu_after, strict=True)
            )
            print(
                f"  CPU per delivery: server {server_ms:.1f} ms, PostgreSQL {postgres_ms:.1f} ms, "
                f"load client {client_ms:.1f} ms"
            )
            rows.append(
                f"| {workers} | {args.requests:,} | {args.concurrency} | {accepted:,} | "
                f"{accepted / elapsed:.0f} | {statistics.median(latencies):.1f} | "
                f"{percentile(latencies, 0.95):.1f} | {percentile(latencies, 0.99):.1f} | "
                f"{max(latencies):.1f} | {server_ms:.1f}, {postgres_ms:.1f}, {client_ms:.1f} |"
            )
        print("\nMarkdown:\n" + "\n".join(rows))
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
