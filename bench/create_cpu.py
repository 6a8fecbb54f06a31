"""The web process's CPU for one create, in process: the floor (bench/floor, a bare DRF app) and
the project side by side, interleaved in one run. No HTTP server and no load generator: each
side is a process of its own that sends prepared requests through Django's request handler
(every middleware, DRF, the view, the commit, the rendered answer), with the project's event
delivery held as in a server whose deliverer thread is busy (the events stay in the outbox).

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/any .venv/bin/python bench/create_cpu.py \
        [--creates 200] [--rounds 5] [--tree /path/to/another/checkout ...] [--keep]

Per side and round: CPU ms per create of this process (``time.process_time``) and of its
PostgreSQL backend (/proc, when the server is local), and statements per create. Cases: the
floor's ``POST /api/v1/tickets/``; the project's ``POST /api/v1/tickets/`` as a manager with a
JWT and ``POST /api/v1/webhooks/ticket`` (a StandardTicket, ``generic`` source, a distinct
ticket id each), the bodies of bench/http_cases.py. ``--tree`` adds the project as checked out
elsewhere (an earlier commit), measured in the same rounds: A/B in one run. ``--redis-url``
adds the project as it runs with Redis (its cache, throttle counts and drain flag in Redis,
its tasks published to the broker): the web side of the scale-out configuration, delivery
left to a worker that is not started (the drain flag, up most of the time while a worker
drains, lets a task through every few seconds; use a Redis database of your own).

Databases: ``<prefix>_floor`` and ``<prefix>_p<n>`` on the server DATABASE_URL names
(``--db-prefix``, default ``bench_create_<pid>``), migrated on first use, dropped at the end
unless ``--keep``. ``--profile api|webhook`` instead runs one side's creates under cProfile and
prints the top functions.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTION = "Benchmark ticket: the problem as the requester wrote it. " * 4
CATEGORIES = ["network", "hardware", "software", "access", "email"]


# --- a side: one process, commands on stdin, one JSON line per answer ----------------------


class Side:
    """What a worker process does: prepare requests, run them through the handler, measure."""

    def __init__(self, kind: str) -> None:
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connection

        self.kind = kind
        self.handler = WSGIHandler()
        self.counter = 0
        self.run_id = f"{os.getpid()}-{int(time.time())}"
        self.connection = connection
        self.headers = self._callers() if kind == "project" else {}

    def _callers(self) -> dict:
        """A manager signed in with a JWT and a `generic` key, neither throttled; delivery
        held: commits hand their streams to a deliverer that keeps them (the outbox does), or
        with Redis to the broker, as a web process of the scale-out configuration does."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from rest_framework_simplejwt.tokens import AccessToken

        from core import tasks
        from integrations.actions.keys import create_api_key

        class HeldDeliverer:
            running = True

            def submit(self, stream: str) -> None:
                pass

        if not os.environ.get("REDIS_URL"):
            tasks.deliverer = HeldDeliverer()
        users = get_user_model().objects
        user = users.filter(username="bench-create").first()
        if user is None:
            user = users.create_user(username="bench-create", email="bench-create@example.com")
            user.groups.add(Group.objects.get_or_create(name="manager")[0])
        key, raw = create_api_key(source="generic", name=f"bench-create-{self.run_id}")
        type(key).objects.filter(pk=key.pk).update(rate_per_minute=10_000_000)
        return {
            "api": {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(user)}"},
            "webhook": {"HTTP_AUTHORIZATION": f"Api-Key {raw}", "HTTP_X_SOURCE_ID": "generic"},
        }

    def body(self, case: str) -> tuple[str, dict]:
        self.counter += 1
        # 50 requesters: after the warm-up each is a known contact, as most requesters are.
        n, m = self.counter, self.counter % 50
        category = CATEGORIES[n % len(CATEGORIES)]
        if self.kind == "floor":
            return "/api/v1/tickets/", {
                "title": f"{self.run_id} ticket {n}",
                "description": DESCRIPTION,
                "priority": "high",
                "requester_email": f"requester{m}@example.com",
            }
        requester = {"email": f"requester{m}@bench.example", "name": f"Requester {m}"}
        if case == "webhook":
            return "/api/v1/webhooks/ticket", {
                "ticket_id": f"{self.run_id}-{n}",
                "title": f"{self.run_id} {category} problem {n}",
                "description": DESCRIPTION,
                "category": category,
                "urgency": "2",
                "impact": "2",
                "requester": requester,
                "requester_location": {"lat": 40.7, "lng": -74.0, "timezone": "America/New_York"},
            }
        return "/api/v1/tickets/", {
            "title": f"{self.run_id} {category} problem {n}",
            "description": DESCRIPTION,
            "category": category,
            "priority": "high",
            "requester": requester,
        }

    def requests(self, case: str, count: int) -> list:
        from django.test import RequestFactory

        factory, headers = RequestFactory(), self.headers.get(case, {})
        prepared = []
        for _ in range(count):
            path, body = self.body(case)
            prepared.append(
                factory.post(
                    path,
                    json.dumps(body),
                    content_type="application/json",
                    SERVER_NAME="localhost",
                    **headers,
                )
            )
        return prepared

    def run(self, case: str, count: int) -> dict:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(self.connection) as queries:
            self._send(self.requests(case, 1)[0])  # counted apart: capturing costs CPU
        prepared = self.requests(case, count)
        backend = self._backend_cpu()
        started = time.process_time()
        for request in prepared:
            self._send(request)
        cpu = time.process_time() - started
        backend = self._backend_cpu() - backend
        return {
            "cpu_ms": 1000 * cpu / count,
            "pg_ms": 1000 * backend / count if backend >= 0 else None,
            "statements": len(queries.captured_queries),
        }

    def statements(self, case: str) -> list[str]:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(self.connection) as queries:
            self._send(self.requests(case, 1)[0])
        return [query["sql"] for query in queries.captured_queries]

    def _send(self, request) -> None:
        response = self.handler.get_response(request)
        if response.status_code not in (200, 201, 202):
            raise SystemExit(f"{request.path}: {response.status_code} {response.content[:500]!r}")

    def _backend_cpu(self) -> float:
        """CPU seconds of this connection's PostgreSQL backend (-inf when not readable)."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("-inf")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def profile(self, case: str, count: int) -> str:
        import cProfile
        import io
        import pstats

        prepared = self.requests(case, count)
        profiler = cProfile.Profile(time.process_time)  # CPU: waits on PostgreSQL left out
        profiler.enable()
        for request in prepared:
            self._send(request)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(70)
        stats.sort_stats("tottime").print_stats(40)
        return out.getvalue()


def worker(kind: str, tree: str) -> None:
    """A side's process: Django set up from ``tree`` on the database DATABASE_URL names."""
    sys.path.insert(0, tree)
    os.chdir(tree)
    settings = "bench.floor.settings" if kind == "floor" else "itsm.settings"
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    side = Side(kind)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command, case, count = line.split()
        if command == "sql":
            print(json.dumps({"sql": side.statements(case)}), flush=True)
        elif command == "profile":
            print(json.dumps({"profile": side.profile(case, int(count))}), flush=True)
        else:
            print(json.dumps(side.run(case, int(count))), flush=True)


# --- the driver ---------------------------------------------------------------------------


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Worker:
    def __init__(self, label: str, kind: str, tree: Path, url: str, redis_url: str = "") -> None:
        self.label, self.kind = label, kind
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ENV_FILE": "",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "0" * 40),
            # As bench/http_run.py runs both apps: plain HTTP, loopback, nothing throttled.
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "API_RATE_USER": "100000000/min",
            "JWT_ACCESS_MINUTES": "240",
        }
        env.pop("REDIS_URL", None)  # the embedded mode, unless this side is the Redis one
        if redis_url:
            env["REDIS_URL"] = redis_url
        self.process = subprocess.Popen(  # noqa: S603 - this script, our arguments
            [sys.executable, __file__, "--worker", kind, "--root", str(tree)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tree,
        )
        self.answer()  # ready

    def ask(self, command: str, case: str, count: int) -> dict:
        self.process.stdin.write(f"{command} {case} {count}\n")
        self.process.stdin.flush()
        return self.answer()

    def answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"{self.label} ended (exit {self.process.wait()})")
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def report(results: dict[tuple[str, str], list[dict]], floor_key: tuple[str, str]) -> None:
    floor_cpu = statistics.median(r["cpu_ms"] for r in results[floor_key])
    print(
        "| side | case | CPU ms/create (median; min-max) | PG backend ms/create | statements "
        "| / floor CPU |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for (label, case), rounds in results.items():
        cpus = [r["cpu_ms"] for r in rounds]
        pgs = [r["pg_ms"] for r in rounds if r["pg_ms"] is not None]
        pg = f"{statistics.median(pgs):.2f}" if pgs else "-"
        median = statistics.median(cpus)
        print(
            f"| {label} | {case} | {median:.2f} ({min(cpus):.2f}-{max(cpus):.2f}) | {pg} | "
            f"{rounds[0]['statements']} | {median / floor_cpu:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=["floor", "project"], help=argparse.SUPPRESS)
    parser.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    parser.add_argument("--creates", type=int, default=200, help="per side, case and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--tree", action="append", default=[], help="another checkout (A/B)")
    parser.add_argument("--db-prefix", default=f"bench_create_{os.getpid()}")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--cases", default="api,webhook")
    parser.add_argument("--profile", choices=["api", "webhook"])
    parser.add_argument("--sql", choices=["api", "webhook"], help="print one create's SQL")
    parser.add_argument("--redis-url", default="", help="add the project's Redis side")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.root)
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (any database on it).")
    trees = [ROOT, *(Path(tree).resolve() for tree in args.tree)]
    sides = [("floor", "floor", ROOT, f"{args.db_prefix}_floor", "")]
    sides += [
        (
            f"project{'' if i == 0 else f' ({tree.name})'}",
            "project",
            tree,
            f"{args.db_prefix}_p{i}",
            "",
        )
        for i, tree in enumerate(trees)
    ]
    if args.redis_url:
        sides.append(("project (redis)", "project", ROOT, f"{args.db_prefix}_r", args.redis_url))
    if args.profile or args.sql:
        sides = sides[-1:] if args.redis_url else sides[1:2]
    workers = []
    try:
        for label, kind, tree, name, redis_url in sides:
            ensure_database(base, name)
            workers.append(Worker(label, kind, tree, database_url(base, name), redis_url))
        if args.sql:
            workers[0].ask("run", args.sql, args.warmup)
            print("\n".join(workers[0].ask("sql", args.sql, 1)["sql"]))
            return None
        if args.profile:
            workers[0].ask("run", args.profile, args.warmup)
            print(workers[0].ask("profile", args.profile, args.creates)["profile"])
            return None
        cases = args.cases.split(",")
        plan = [(w, "floor" if w.kind == "floor" else case) for w in workers for case in cases]
        plan = list(dict.fromkeys(plan))
        for w, case in plan:
            w.ask("run", case, args.warmup)
        results: dict[tuple[str, str], list[dict]] = {(w.label, c): [] for w, c in plan}
        for round_ in range(args.rounds):
            # Who goes first turns with each round, so that no side always follows another.
            turn = plan[round_ % len(plan) :] + plan[: round_ % len(plan)]
            for w, case in turn:
                results[(w.label, case)].append(w.ask("run", case, args.creates))
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{args.rounds} rounds of {args.creates} creates per side and case, interleaved")
        report(results, ("floor", "floor"))
    finally:
        for w in workers:
            w.close()
        if not args.keep:
            for _, _, _, name, _ in sides:
                drop_database(base, name)


if __name__ == "__main__":
    main()
