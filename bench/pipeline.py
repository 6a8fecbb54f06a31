"""What happens after a ticket is committed, measured: how fast one process delivers the outbox
(routing, SLA start, receipts, notifications, dashboard), and how long a ticket waits for its
team under a steady stream of new tickets, embedded and with Redis and a Celery worker.

    bash bench/with-postgres .venv/bin/python bench/pipeline.py [--open 50000] [--tickets 1000]
        [--rate 50 --seconds 120 (0: no steady stream)] [--pools prefork,threads]
        [--embedded process,thread]   (--tickets 0: the steady stream only)

Works on a throwaway database next to the one DATABASE_URL names (``test_<name>``, dropped at
the end). Seeds 50 teams, 500 agents, 2,000 requesters, three rules and an open backlog
(``--open``, 50,000 by default). Then:

- **backlog**: ``--tickets`` tickets are created through ``create_ticket`` with delivery held,
  and one process delivers them all, stream by stream (``dispatch.drain``) and in batches
  (``core.waves``, as the embedded deliverer thread and a worker do):
  tickets routed per second, CPU of this process and of PostgreSQL per ticket, queries per
  ticket, new PostgreSQL sessions.
- **worker** (with REDIS_URL): the same with ``celery -A itsm worker --concurrency 1`` for
  each ``--pools`` entry, the tasks queued through Redis.
- **steady** (``--rate`` tickets/s for ``--seconds``): created here at a fixed pace, delivered
  by the embedded deliverer thread of this process, then (with REDIS_URL) by one Celery
  worker; commit-to-routed p50 / p95 / max (ticket ``created_at`` to its decision's
  ``decided_at``).
"""

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_module(name: str):
    """A sibling bench script as a module (its name would clash with the app it measures)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


routing_bench = _bench_module("routing")  # sets Django up

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402

from core import dispatch, tasks, waves  # noqa: E402
from core.deliverer import Deliverer  # noqa: E402
from core.delivery_process import DeliveryProcess  # noqa: E402
from core.heap import freeze_startup_heap  # noqa: E402
from itsm.celery import app as celery_app  # noqa: E402
from routing.actions.config import import_rules  # noqa: E402
from routing.actions.metrics import refresh_team_metrics  # noqa: E402
from routing.models import AllocationDecision  # noqa: E402
from tickets.actions.creation import NewTicket, create_ticket  # noqa: E402
from tickets.models import Ticket  # noqa: E402

percentile = routing_bench.percentile
cpu_seconds = _bench_module("webhooks").cpu_seconds
CATEGORIES = routing_bench.CATEGORIES
RNG = routing_bench.RNG


PROFILE = ""  # --profile: where the batched backlog's cProfile statistics go


@contextmanager
def delivery_held():
    """Tickets committed, their drains queued for a worker that is not there (memory
    broker): the outbox holds every event, as after a burst or an outage."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


def new_ticket(index: int, contacts) -> NewTicket:
    category = CATEGORIES[index % len(CATEGORIES)]
    contact = contacts[index % len(contacts)]
    return NewTicket(
        title=f"{category} trouble #{index}",
        description=f"Since this morning the {category} service fails for our floor.",
        requester_email=contact.email,
        category=category if index % 3 else "",
        priority=RNG.choice(["critical", "high", "medium", "low"]),
        source="bench",
    )


def create_held(count: int, contacts, start: int) -> list[int]:
    with delivery_held():
        ids = [
            create_ticket(actor=None, data=new_ticket(start + i, contacts)).pk for i in range(count)
        ]
    if os.environ.get("REDIS_URL"):
        # The commits queued a drain in Redis: dropped, so a worker started later begins with
        # an empty queue and its clock starts with the work (the outbox keeps every event).
        celery_app.control.purge()
        cache.delete(tasks.DRAIN_QUEUED)
    return ids


def sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def routed(ids: list[int]) -> int:
    return Ticket.objects.filter(pk__in=ids, team__isnull=False).count()


def drain_in_batches(streams: list[str]) -> None:
    """As the deliverer does: the streams in batches, then, batch after batch, the streams the
    commits meanwhile asked to drain (a repeat contact flags the requester's earlier ticket,
    on a stream of its own). Without this each of those would be drained alone right after
    its commit, which no deliverer does."""
    asked: list[str] = []
    schedule_drain = tasks.schedule_drain
    tasks.schedule_drain = asked.append  # core.events asks through the module, at each commit
    try:
        waves.drain_many(streams)
        while asked:
            batch = list(dict.fromkeys(asked))
            asked.clear()
            waves.drain_many(batch)
    finally:
        tasks.schedule_drain = schedule_drain


def backlog_in_process(count: int, contacts, start: int, *, batched: bool) -> tuple[str, int]:
    """The backlog delivered here: a stream at a time (dispatch.drain) or in batches of
    streams (core.waves, what the deliverer thread does)."""
    ids = create_held(count, contacts, start)
    connection.close()
    before_cpu, before_pg, before_sessions = cpu_seconds([os.getpid()]), None, sessions()
    before_pg = cpu_seconds(comm="postgres")
    started = time.perf_counter()
    streams = [f"ticket:{pk}" for pk in ids]
    if batched and PROFILE:
        import cProfile

        with cProfile.Profile() as profiler:
            drain_in_batches(streams)
        profiler.dump_stats(PROFILE)
    elif batched:
        drain_in_batches(streams)
    else:
        for stream in streams:
            dispatch.drain(stream)
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds([os.getpid()]) - before_cpu
    pg = cpu_seconds(comm="postgres") - before_pg
    new_sessions = sessions() - before_sessions
    assert routed(ids) == count, "not every ticket ended routed"
    how = "batches" if batched else "stream by stream"
    line = (
        f"| one process, {how} | {count / elapsed:.0f} | {cpu / count * 1000:.1f} | "
        f"{pg / count * 1000:.1f} | {new_sessions} |"
    )
    return line, start + count


def start_worker(pool: str, extra_env: dict) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "LOG_LEVEL": "WARNING",
        **extra_env,
    }
    command = [str(ROOT / ".venv/bin/celery"), "-A", "itsm", "worker", "--concurrency", "1"]
    command += ["--pool", pool, "--loglevel", "WARNING", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)  # noqa: S603


def wait_ready(worker: subprocess.Popen, timeout: float = 60) -> None:
    """Until the worker answers a ping through the broker (bounded)."""
    deadline = time.monotonic() + timeout
    while not celery_app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the Celery worker did not start")


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def wait_routed(ids: list[int], timeout: float) -> float:
    started = time.perf_counter()
    while routed(ids) < len(ids):
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"only {routed(ids)} of {len(ids)} routed in {timeout:.0f} s")
        time.sleep(0.05)
    return time.perf_counter() - started


def backlog_on_worker(pool: str, count: int, contacts, start: int, env: dict) -> tuple[str, int]:
    ids = create_held(count, contacts, start)
    worker = start_worker(pool, env)
    try:
        wait_ready(worker)  # its start (imports, broker connection) is not its work
        before = cpu_seconds([worker.pid, *_children(worker.pid)]), cpu_seconds(comm="postgres")
        before_sessions = sessions()
        for pk in ids:  # each commit's hook, as the web process runs it (through Redis)
            tasks.schedule_drain(f"ticket:{pk}")
        elapsed = wait_routed(ids, timeout=600)
        cpu = cpu_seconds([worker.pid, *_children(worker.pid)]) - before[0]
        pg = cpu_seconds(comm="postgres") - before[1]
        pooled = env.get("WORKER_DATABASE_POOL") == "true"
        label = f"worker, {pool}" + (", pool on" if pooled else ", persistent connection")
        line = (
            f"| {label} | {count / elapsed:.0f} | {cpu / count * 1000:.1f} | "
            f"{pg / count * 1000:.1f} | {sessions() - before_sessions} |"
        )
        return line, start + count
    finally:
        worker.terminate()
        worker.wait(30)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def steady(rate: float, seconds: float, contacts, start: int) -> tuple[list[int], int]:
    """Create ``rate`` tickets a second for ``seconds``, each delivered by whoever runs."""
    ids, count = [], int(rate * seconds)
    began = time.perf_counter()
    for i in range(count):
        delay = began + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        ids.append(create_ticket(actor=None, data=new_ticket(start + i, contacts)).pk)
    return ids, start + count


def waits(ids: list[int]) -> str:
    rows = AllocationDecision.objects.filter(ticket_id__in=ids).values_list(
        F("decided_at") - F("ticket__created_at"), flat=True
    )
    ms = [delta.total_seconds() * 1000 for delta in rows]
    assert len(ms) >= len(ids), f"{len(ms)} decisions for {len(ids)} tickets"
    return f"{statistics.median(ms):.0f} | {percentile(ms, 95):.0f} | {max(ms):.0f} | {len(ids)} |"


def _delivery_process() -> DeliveryProcess:
    """The embedded default's child (EVENTS_IN_A_PROCESS), on this run's database."""
    os.environ["DATABASE_URL"] = _database_url()  # inherited by the child
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    return DeliveryProcess()


def _steady_embedded(args, contacts, start: int, label: str, deliverer) -> tuple[str, int]:
    deliverer.start()
    tasks_deliverer, tasks.deliverer = tasks.deliverer, deliverer
    try:
        ids, start = steady(args.rate, args.seconds, contacts, start)
        wait_routed(ids, timeout=300)
    finally:
        deliverer.stop()
        tasks.deliverer = tasks_deliverer
    return f"| {label} | {waits(ids)} - |", start


def steady_cases(args, contacts, start: int, redis_url: str) -> tuple[list[str], int]:
    """The steady stream, delivered by the embedded thread and (with Redis) a worker."""
    steady_rows = [
        "| delivered by | p50 ms | p95 ms | max ms | tickets | worker CPU ms/ticket |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    embedded = {"process": ("embedded delivery process", _delivery_process)}
    embedded["thread"] = ("embedded deliverer thread", Deliverer)
    for label, make in (embedded[name] for name in args.embedded.split(",") if name):
        line, start = _steady_embedded(args, contacts, start, label, make())
        steady_rows.append(line)
        print(line, flush=True)
    if redis_url:
        worker = start_worker(args.pools.split(",")[0], {})
        try:
            wait_ready(worker)
            before = cpu_seconds([worker.pid, *_children(worker.pid)])
            with delivery_held():  # queued to Redis for the worker
                ids, start = steady(args.rate, args.seconds, contacts, start)
            wait_routed(ids, timeout=300)
            cpu = cpu_seconds([worker.pid, *_children(worker.pid)]) - before
        finally:
            worker.terminate()
            worker.wait(30)
        per_ticket = cpu / len(ids) * 1000
        steady_rows.append(f"| one Celery worker | {waits(ids)} {per_ticket:.1f} |")
        print(steady_rows[-1], flush=True)
    return steady_rows, start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=50_000)
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--pools", default="prefork,threads")
    parser.add_argument(
        "--embedded", default="process,thread", help="the steady stream's embedded deliverers"
    )
    parser.add_argument("--profile", default="", help="cProfile the batched backlog into FILE")
    args = parser.parse_args()
    global PROFILE
    PROFILE = args.profile
    # As a worker and a server process with the deliverer thread do once started (core.heap).
    freeze_startup_heap()
    redis_url = os.environ.get("REDIS_URL", "")
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        teams, members, contacts = routing_bench.seed_people()
        import_rules(text=routing_bench.RULES)  # after the teams it names
        seeder = routing_bench.Seeder(teams, members, contacts)
        for _ in range(0, args.open, 10_000):
            seeder.tickets(min(10_000, args.open - seeder.count), open_work=True)
        refresh_team_metrics()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"database {connection.settings_dict['NAME']}: {Ticket.objects.count():,} open")
        start = 0
        create_held(50, contacts, 10**6)  # warm-up: plans, caches
        rows = [
            "| delivered by | tickets/s | CPU ms/ticket | PostgreSQL CPU ms/ticket "
            "| new sessions |",
            "|---|---:|---:|---:|---:|",
        ]
        for batched in (False, True) if args.tickets else ():  # 0: the steady stream only
            line, start = backlog_in_process(args.tickets, contacts, start, batched=batched)
            rows.append(line)
            print(line, flush=True)
        if redis_url and args.tickets:
            for pool in args.pools.split(","):
                # The default (one persistent connection per task thread), then the pool.
                for env in ({}, {"WORKER_DATABASE_POOL": "true"}):
                    line, start = backlog_on_worker(pool, args.tickets, contacts, start, env)
                    rows.append(line)
                    print(line, flush=True)
        steady_rows = []
        if args.seconds > 0:  # 0: the backlog only
            steady_rows, start = steady_cases(args, contacts, start, redis_url)
        print(f"\nbacklog of {args.tickets} tickets, {args.open:,} open:")
        print("\n".join(rows))
        if steady_rows:
            print(f"\nsteady {args.rate:g} tickets/s for {args.seconds:g} s:")
            print("\n".join(steady_rows))
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
