"""One measured case of bench/http_driver.py: the CPU of every process that serves it before and
after a wrk run (or bench/http_pages.py's page views or one slow request timed alone), and for the
project's creates, the wait until every new ticket is routed and how long each took from its
commit to its routing decision."""

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from bench.http_cases import Case, Target, wrk
from bench.http_pages import page_views, percentile, single
from bench.http_procs import Proc, marked_cpu, tree_cpu

ROUTING = """
SELECT t.created_at, min(d.decided_at)
FROM tickets_ticket t LEFT JOIN routing_allocationdecision d ON d.ticket_id = t.id
WHERE t.created_at >= %s
GROUP BY t.id, t.created_at
"""
# The tickets an app without routing made since a moment, by its kind.
CREATED = {
    "floor": "SELECT count(*) FROM floor_tickets_ticket WHERE created_at >= %s",
    "helpdesk": "SELECT count(*) FROM helpdesk_ticket WHERE created >= %s",
}


@dataclass
class Deployment:
    """An app as it runs in one configuration: its processes (web, and the Celery worker when
    there is one), its database and the PostgreSQL and Redis whose CPU it also uses."""

    target: Target
    database_url: str
    web: Proc
    postmaster: int
    worker: Proc | None = None
    redis: Proc | None = None
    routes: bool = False  # the project: tickets get routing decisions

    def cpu(self) -> dict[str, float]:
        sample = {"web": self.web.cpu(), "postgres": tree_cpu(self.postmaster)}
        if self.routes and self.worker is None:
            # The embedded delivery child (EVENTS_IN_A_PROCESS) is part of the web tree.
            sample["delivery"] = marked_cpu(self.web.pid, b"core.delivery_child")
            sample["web"] -= sample["delivery"]
        if self.worker is not None:
            sample["worker"] = self.worker.cpu()
        if self.redis is not None:
            sample["redis"] = self.redis.cpu()
        return sample


@dataclass
class Result:
    app: str
    case: Case
    rps: float
    p50: float
    p95: float
    requests: int
    failures: int
    created: int | None = None
    cpu_ms: dict[str, float] = field(default_factory=dict)
    routing: dict | None = None
    load: float = 0.0  # the machine's 1-minute load average after the case (shared machine)
    sessions_per_request: float = 0.0  # new PostgreSQL sessions on the app's database
    alone: bool = False  # one request timed alone: wrk answered none within --seconds

    @property
    def cpu_total(self) -> float:
        return sum(self.cpu_ms.values())


SESSIONS = "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"


def sessions(conn: psycopg.Connection) -> int:
    """PostgreSQL sessions ever opened on this database: a pool keeps this still, a process that
    connects per task does not. Backends report within about a second, or when they end."""
    conn.execute("SELECT pg_stat_clear_snapshot()")
    return conn.execute(SESSIONS).fetchone()[0]


def wait_quiet(cpu: Callable[[], float], *, limit: float = 600, interval: float = 0.3) -> float:
    """Until the processes whose CPU seconds ``cpu`` sums stand still (under 0.02 s of CPU in
    ``interval``, about 7% of a core), at most ``limit`` seconds; returns the seconds waited."""
    started = time.monotonic()
    previous = cpu()
    while time.monotonic() - started < limit:
        time.sleep(interval)
        current = cpu()
        if current - previous < 0.02:
            break
        previous = current
    return time.monotonic() - started


def machine_cpu(deployments: list[Deployment]) -> float:
    """CPU seconds of every process the run started (each app's web tree, the Celery worker,
    Redis) and of PostgreSQL's cluster, counted once."""
    trees = {d.web.pid for d in deployments}
    trees |= {proc.pid for d in deployments for proc in (d.worker, d.redis) if proc is not None}
    return sum(tree_cpu(pid) for pid in trees | {deployments[0].postmaster})


def drain(conn: psycopg.Connection, since: object, limit: float) -> tuple[list[tuple], float]:
    """Wait (at most `limit` seconds) until every ticket created since `since` has a routing
    decision; returns the rows and the seconds waited."""
    started = time.monotonic()
    while True:
        rows = conn.execute(ROUTING, (since,)).fetchall()
        if all(decided is not None for _, decided in rows):
            break
        if time.monotonic() - started > limit:
            break
        time.sleep(0.5)
    return rows, time.monotonic() - started


def routing_stats(rows: list[tuple], waited: float) -> dict:
    """Commit to routed per ticket (its created_at, set in the creating transaction, to its
    first decision's decided_at) and the routing rate over the span decisions were stored in."""
    routed = [(created, decided) for created, decided in rows if decided is not None]
    delays = [(decided - created).total_seconds() * 1000 for created, decided in routed]
    stats: dict = {"tickets": len(rows), "routed": len(routed), "waited_s": waited}
    if routed:
        first = min(created for created, _ in routed)
        last = max(decided for _, decided in routed)
        span = max((last - first).total_seconds(), 1e-3)
        stats |= {
            "p50_ms": statistics.median(delays),
            "p95_ms": percentile(delays, 0.95),
            "routed_per_s": len(routed) / span,
        }
    return stats


def _run(*, target: Target, case: Case, run: str, seconds: int, work: Path, alone: bool) -> dict:
    if case.page:
        return page_views(target=target, seconds=seconds)
    if alone:
        return single(target=target, case=case)
    return wrk(target=target, case=case, run=run, seconds=seconds, work=work)


def measure(
    *,
    deployment: Deployment,
    case: Case,
    run: str,
    seconds: int,
    work: Path,
    drain_limit: float,
    alone: bool = False,
) -> Result:
    # One connection of the driver's own for the whole case, so that it adds no sessions.
    target = deployment.target
    with psycopg.connect(deployment.database_url, autocommit=True) as conn:
        since = conn.execute("SELECT now()").fetchone()[0]
        sessions_before, before = sessions(conn), deployment.cpu()
        figures = _run(target=target, case=case, run=run, seconds=seconds, work=work, alone=alone)
        routing = None
        created = None
        if case.creates and deployment.routes:
            rows, waited = drain(conn, since, drain_limit)
            routing = routing_stats(rows, waited)
            created = routing["tickets"]
        elif case.creates:
            created = conn.execute(CREATED[target.kind], (since,)).fetchone()[0]
        # What the case left (wrk's last requests, the worker's e-mails, PostgreSQL's writes)
        # is its own: counted before the next case starts.
        wait_quiet(lambda: sum(deployment.cpu().values()))
        after = deployment.cpu()
        time.sleep(1)  # live backends report their counters at most once a second
        opened = sessions(conn) - sessions_before
    # wrk stops with one request in flight per connection; the server still does those (its
    # CPU is waited for above), so they count as served. A create's rows count them exactly.
    in_flight = figures["requests"] + figures["in_flight"]
    served = max(created if created is not None else in_flight, 1)
    return Result(
        app=target.name,
        case=case,
        rps=figures["rps"],
        p50=figures["p50"],
        p95=figures["p95"],
        requests=figures["requests"],
        failures=figures["non2xx"] + figures["errors"],
        created=created,
        cpu_ms={name: (after[name] - before[name]) * 1000 / served for name in before},
        routing=routing,
        load=os.getloadavg()[0],
        sessions_per_request=opened / served,
        alone=alone,
    )
