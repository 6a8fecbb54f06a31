"""HTTP benchmark against the floor: the same cases, in one run, against a bare Django REST
framework app with one Ticket model (bench/floor), django-helpdesk 2.6.1 (bench/helpdesk) and the
project, on the same PostgreSQL and under the same server (issue 18, part 5).

    make bench-http [TICKETS=1000000]
    bash bench/with-postgres .venv/bin/python bench/http_driver.py [--tickets 50000] [--seconds 10]
    DATABASE_URL=postgres://user@host:port/any .venv/bin/python bench/http_driver.py ...

Without a PostgreSQL DATABASE_URL the script runs itself again under bench/with-postgres (a
throwaway cluster). It makes a database per app on that server, ``bench_http_<pid>_project``,
``bench_http_<pid>_floor`` and ``bench_http_<pid>_helpdesk`` (dropped at the end unless --keep),
seeds each with --tickets tickets (--open of them open, the most recent), then runs two
configurations, the apps side by side in each, all served by the Procfile's web line (gunicorn
with the uvicorn worker of itsm/webserver.py) with the same number of gunicorn workers.
django-helpdesk runs from a venv of its own (bench/http_helpdesk.py: built from
bench/helpdesk/requirements.txt once, then cached under ~/.cache/itsm-bench; --no-helpdesk leaves
it out):

- embedded: the project without REDIS_URL, one worker (the Procfile's rule: the in-memory
  channel layer reaches only its own process); the floor and helpdesk with one worker;
- redis: the project with REDIS_URL (a throwaway redis-server unless --redis-url) and the
  Procfile's Celery worker, two web workers (one per core, the rule with Redis); the floor and
  helpdesk with two workers.

Beat is not started: its periodic jobs are not request work and would land on random cases.
Cases (bench/http_cases.py): ticket list page 1, list with one status, detail (200 tickets in
turn), the agent's ticket list page (project and helpdesk; helpdesk's is its page and its
DataTable's data call), create through the API at 1 and 4 clients, and the webhook at 1 and 4
clients (the floor and helpdesk have no webhook: they answer those with their API create);
named in --cases only, paced creates, ``create-rN`` and ``webhook-rN``: N a second from 16
connections whatever the pace of the answers, where the fixed cases send the next request when
the last is answered and so reward a configuration that answers first and routes later. Each
is one ``wrk -t1`` run of --seconds with keep-alive, the apps taking turns to go first, after a
short warm-up of every case; the page is viewed by one Python client for --seconds
(bench/http_pages.py), and a read wrk got no answer to in its warm-up is timed as one request.
CPU per request is read from /proc before and after: the web server's process tree, the Celery
worker's, Redis's and the whole PostgreSQL cluster's (so use a cluster of your own). After the
project's creates the driver waits (at most --drain seconds) until every new ticket has a
routing decision and counts that wait in the CPU window, so work moved after the response is
paid for; it reports commit-to-routed (the ticket's created_at to its decision's decided_at)
p50/p95, the rate decisions were stored at, and the PostgreSQL sessions opened per request on
each app's database (pg_stat_database). The tables are printed in Markdown at the end.

On a shared machine one run's rates move by 10-20% between runs of the same code. ``--rounds
N`` runs the configurations in turn N times on the same databases (each round's creates stay,
so the later rounds see a few thousand more tickets, every configuration alike); each table
then shows, per case and app, the run with the median rate, and one more table every round's
rates.
"""

import sys
from pathlib import Path

# Run as a script, this file's folder would come first on sys.path and this module would shadow
# the standard library's `http` for everything imported after it.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

ROOT = HERE.parent


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument(
        "--open",
        type=int,
        default=None,
        dest="open_tickets",
        help="open tickets among them (default: a tenth, at most 50,000)",
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per case")
    parser.add_argument("--warmup", type=int, default=1, help="wrk seconds per case, unmeasured")
    parser.add_argument("--drain", type=float, default=300, help="max wait for routing, s")
    parser.add_argument("--configs", default="embedded,redis")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the configurations in turn this many times; the tables take each case's "
        "median run (by requests a second) and a table lists every round",
    )
    parser.add_argument("--cases", default="", help="case keys, comma-separated (default all)")
    parser.add_argument("--redis-url", default="", help="use this Redis (prefixes bench-http)")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--no-helpdesk",
        action="store_false",
        dest="helpdesk",
        help="leave django-helpdesk out (the floor and the project only)",
    )
    parser.add_argument(
        "--helpdesk-venv",
        type=Path,
        default=None,
        help="helpdesk's venv (default: built once under ~/.cache/itsm-bench)",
    )
    args = parser.parse_args()
    if args.open_tickets is None:
        args.open_tickets = min(50_000, args.tickets // 10)
    return args


def main() -> None:
    args = arguments()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        script = ROOT / "bench" / "with-postgres"
        command = [sys.executable, str(HERE / "http_driver.py"), *sys.argv[1:]]
        os.execv("/bin/bash", ["bash", str(script), *command])  # noqa: S606 - our own script
    if not shutil.which("wrk"):
        raise SystemExit("wrk missing (apt-get install wrk)")
    from bench import http_run

    base = os.environ["DATABASE_URL"]
    work = Path(tempfile.mkdtemp(prefix="bench-http."))
    started = time.monotonic()
    try:
        http_run.run(args=args, base_url=base, work=work)
    finally:
        print(f"\n(one full run: {(time.monotonic() - started) / 60:.1f} min; logs in {work})")


if __name__ == "__main__":
    main()
