"""Live dashboard benchmark: the KPI snapshot over 1,000,000 tickets on PostgreSQL, and the
commit-to-socket latency of an event through Redis to a socket held by another process.

    bash bench/with-postgres .venv/bin/python bench/dashboard.py [--tickets 1000000]

Runs on a throwaway database next to the one DATABASE_URL names (``test_<name>``, dropped at
the end). Seeds, with set-based SQL: 50 teams; N tickets over the last 365 days, the newest
30,000 a mix of open (new / in progress / escalated / waiting) and resolved, the rest resolved
or closed; an SLA clock per ticket (some open ones in warning or breached); an
audit row per resolution; an open envelope per escalated ticket. Then ``ANALYZE`` and times
``dashboard.kpis.compute`` (uncached) for the whole desk and for one agent's two teams.

Latency (when ``redis-server`` is installed): a throwaway Redis, a daphne process holding a
manager's /ws/dashboard/ socket (the websocket client is tests/dashboard/ws_listen.py, a
process of its own), and this process creating tickets through tickets.actions. Latency is
from the commit (an on_commit callback registered before the service's own) to the moment
the client process has the event; same machine, same clock.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-deployment-000")
os.environ.setdefault("ENV_FILE", "")  # a developer's .env (DEBUG=true) is not measured


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis() -> subprocess.Popen | None:
    """A throwaway Redis for the latency part; REDIS_URL must be set before Django loads."""
    if os.environ.get("REDIS_URL"):
        return None
    try:
        port = free_port()
        process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        return None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            os.environ["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    return None


REDIS = start_redis()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from dashboard import kpis  # noqa: E402
from itsm.celery import app as celery_app  # noqa: E402
from org.models import AgentProfile, Team  # noqa: E402
from sla.models import SLAPolicy  # noqa: E402
from tickets.actions import creation  # noqa: E402
from tickets.models import Contact  # noqa: E402


def seed(count: int) -> dict:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    teams = [
        Team.objects.create(slug=f"bench-{n}", name=f"Bench team {n:02d}", max_bandwidth=500)
        for n in range(50)
    ]
    agent = User.objects.create_user(username="bench-agent", email="agent@bench.example")
    agent.groups.add(Group.objects.get_or_create(name="agent")[0])
    AgentProfile.objects.create(user=agent).teams.set(teams[:2])
    manager = User.objects.create_user(username="bench-manager", email="m@bench.example")
    manager.groups.add(Group.objects.get_or_create(name="manager")[0])
    contact = Contact.objects.create(email="requester@bench.example", name="Bench")
    policy = SLAPolicy.objects.filter(is_default=True).values_list("pk", flat=True).first()
    team_ids = [str(t.pk) for t in teams]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH s AS (
                SELECT i,
                       now() - (i::float8 / %(n)s * 365) * interval '1 day' AS created,
                       CASE
                         WHEN i <= 30000 AND i %% 3 <> 0
                           THEN (ARRAY['new','in_progress','escalated','waiting'])[1 + i %% 4]
                         WHEN i <= 30000 OR i %% 3 = 0 THEN 'resolved'
                         ELSE 'closed'
                       END AS status
                FROM generate_series(1, %(n)s) AS i
            )
            INSERT INTO tickets_ticket (
                id, reference, type, status, title, description, category, priority, urgency,
                impact, priority_score, source, external_id, external_metadata, requester_id,
                team_id, owner_id, created_at, updated_at, accepted_at, resolved_at, closed_at,
                resolution)
            SELECT md5(i::text || 'bench')::uuid, 'INC-B-' || lpad(i::text, 8, '0'), 'incident',
                   status, 'Bench ticket ' || i, '', 'network',
                   (ARRAY['critical','high','medium','low'])[1 + i %% 4], '', '', 1.0, 'bench',
                   '', '{}'::jsonb, %(contact)s, (%(teams)s::uuid[])[1 + i %% 50],
                   CASE WHEN status = 'new' THEN NULL ELSE %(agent)s END,
                   created, created,
                   CASE WHEN status = 'new' THEN NULL ELSE created + interval '20 minutes' END,
                   CASE WHEN status IN ('resolved', 'closed')
                        THEN created + (1 + i %% 10) * interval '2 hours' END,
                   CASE WHEN status = 'closed' THEN created + interval '3 days' END,
                   ''
            FROM s
            """,
            {"n": count, "contact": contact.pk, "teams": team_ids, "agent": agent.pk},
        )
        cursor.execute(
            """
            INSERT INTO tickets_auditlog (at, actor_id, action, ticket_id, object_type,
                                          object_id, data)
            SELECT resolved_at, NULL, 'ticket.resolved', id, 'ticket', id::text, '{}'::jsonb
            FROM tickets_ticket WHERE resolved_at IS NOT NULL
            """
        )
        cursor.execute(
            """
            INSERT INTO sla_slaclock (ticket_id, policy_id, tier, started_at,
                first_response_minutes, resolution_minutes, first_response_met_at,
                resolution_met_at, crossed, state, last_activity_at, updated_at)
            SELECT id, %(policy)s, 'standard', created_at, 60, 480, accepted_at, resolved_at,
                   '[]'::jsonb,
                   CASE WHEN resolved_at IS NOT NULL THEN 'met'
                        WHEN ('x' || left(id::text, 2))::bit(8)::int < 13 THEN 'warning'
                        WHEN ('x' || left(id::text, 2))::bit(8)::int < 20 THEN 'breached'
                        ELSE 'ok' END,
                   created_at, now()
            FROM tickets_ticket
            """,
            {"policy": policy},
        )
        cursor.execute(
            """
            INSERT INTO escalations_envelope (id, ticket_id, requested_by_id, team_id, reason,
                status, summary, created_at, updated_at)
            SELECT md5(id::text || 'envelope')::uuid, id, owner_id, team_id, 'bench',
                   'pending', '', created_at, created_at
            FROM tickets_ticket WHERE status = 'escalated'
            """
        )
        cursor.execute("ANALYZE")
    return {"teams": team_ids[:2], "manager": manager, "contact": contact, "team": teams[0]}


def time_snapshot(label: str, team_ids, runs: int = 30) -> None:
    for _ in range(3):
        kpis.compute(team_ids=team_ids)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            data = kpis.compute(team_ids=team_ids)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"snapshot {label:<18} p50 {statistics.median(timings):7.2f} ms  p95 {p95:7.2f} ms  "
        f"max {timings[-1]:7.2f} ms  queries {len(captured)}  open {data['open']['total']:,}"
    )


class Listener:
    def __init__(self, url: str, origin: str) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own client, fixed arguments
            [sys.executable, "-m", "tests.dashboard.ws_listen", url, origin],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.events: dict[str, float] = {}
        self.snapshot = threading.Event()
        self.arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        import json

        for line in self.process.stdout:
            item = json.loads(line)
            message = item.get("message", {})
            if message.get("type") == "kpi.snapshot":
                self.snapshot.set()
            elif message.get("type") == "ticket.created":
                with self.arrived:
                    self.events[message["ticket"]["id"]] = item["received_at"]
                    self.arrived.notify_all()

    def wait_for(self, ticket_id: str, timeout: float = 10) -> float:
        with self.arrived:
            if not self.arrived.wait_for(lambda: ticket_id in self.events, timeout=timeout):
                raise TimeoutError(ticket_id)
            return self.events[ticket_id]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


def _stamp(into: list[float]) -> None:
    into.append(time.time())


def measure_latency(seeded: dict, events: int) -> None:
    if not settings.REDIS_URL:
        print("latency: skipped (no redis-server)")
        return
    port = free_port()
    env = os.environ | {
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        + "/"
        + connection.settings_dict["NAME"],
    }
    server = subprocess.Popen(  # noqa: S603 - our own daphne, fixed arguments
        [
            Path(sys.executable).parent / "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "itsm.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    listener = None
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        token = str(AccessToken.for_user(seeded["manager"]))
        listener = Listener(
            f"ws://127.0.0.1:{port}/ws/dashboard/?token={token}", f"http://127.0.0.1:{port}"
        )
        if not listener.snapshot.wait(timeout=60):
            raise TimeoutError("no snapshot")
        latencies = []
        for index in range(events):
            committed: list[float] = []
            with transaction.atomic():
                # Registered first, so it runs first: right at the commit.
                transaction.on_commit(partial(_stamp, committed))
                ticket = creation.create_ticket(
                    actor=seeded["manager"],
                    data=creation.NewTicket(
                        title=f"Latency {index}",
                        requester_email=seeded["contact"].email,
                        team=seeded["team"],
                    ),
                )
            received = listener.wait_for(str(ticket.pk))
            latencies.append((received - committed[0]) * 1000)
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(
            f"commit-to-socket ({events} events, Redis, another process): "
            f"p50 {statistics.median(latencies):.1f} ms  p95 {p95:.1f} ms  "
            f"max {latencies[-1]:.1f} ms"
        )
    finally:
        if listener is not None:
            listener.close()
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/dashboard.py seeds with PostgreSQL SQL: run it with bench/with-postgres.")
    celery_app.conf.task_always_eager = False
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        seeded = seed(args.tickets)
        print(f"seeded {args.tickets:,} tickets in {time.perf_counter() - started:.1f}s")
        time_snapshot("whole desk", None)
        time_snapshot("an agent's 2 teams", seeded["teams"])
        measure_latency(seeded, args.events)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if REDIS is not None:
            REDIS.terminate()
            REDIS.wait(timeout=10)


if __name__ == "__main__":
    main()
