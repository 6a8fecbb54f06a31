"""Search, the KPI snapshot and 90-day analytics at scale, in-process on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/search_scale \
        .venv/bin/python bench/search_scale.py [--tickets 1000000] [--runs 20]

Migrates the database DATABASE_URL names; when it has no tickets yet, seeds it with
bench/seed_scale.py (``--tickets``, ``--open``) and adds what search and the dashboard read
that the seed leaves out (see ``extras``). Then times, after a warm-up run each:

- search: the ticket FilterSet's ``q`` over what a manager sees, in the API's order, the first
  25 rows (the search alone, no count), for a common word (one ticket in four), two words, a
  rare word (in a handful of descriptions), a rare word of public replies, a reference
  fragment, a surname and an e-mail address; as an agent (``scale-agent-000``), two and three
  common words whose results in the agent's teams are few enough to rank; then the same
  through ``GET /api/v1/tickets/?q=`` (the agent's also through the page ``/tickets/?q=``)
  (Django's test client as a manager: filter, count, page, serializer; ``--api-runs``), the
  list without a search, and the agent page ``/tickets/?q=`` for the common word;
- ``dashboard.kpis.compute`` uncached, for the whole desk and for one agent's team;
- ``dashboard.analytics`` over 90 days: trends, team performance and routing outcomes.

Prints p50 / p95 / max ms and the number of queries of each (counted in a separate run).
"""

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-deployment-000")
os.environ.setdefault("ENV_FILE", "")  # a developer's .env (DEBUG=true) is not measured
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("API_RATE_USER", "1000000/min")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Pages render static URLs: plain storage (no collected manifest), as the test settings have.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from bench import search_scale_sql as extras_sql  # noqa: E402
from dashboard import analytics, kpis  # noqa: E402
from desk.filters import TicketFilterSet  # noqa: E402
from org.models import Team  # noqa: E402
from tickets.selectors import visible_tickets  # noqa: E402

DAYS = 90
RANK = "search_rank"


def prepare(tickets: int, open_tickets: int) -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (search_...).")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM tickets_ticket)")
        if cursor.fetchone()[0]:
            return
    from bench.seed_scale import seed

    seed(tickets, open_tickets)
    extras()


def extras() -> None:
    """Realistic requester names and e-mails, a rare word in a few tickets and replies, the
    tickets' words of their timeline (the seed writes with triggers off), audit rows of recent
    resolutions and reopenings (the KPIs' and analytics' source), and CSAT ratings; then
    VACUUM, so that the visibility map is set as it is on a database in service. Set-based
    SQL, like the seed (the benchmark's exception to one writer per table)."""
    from bench.seed_scale import _secondary_indexes_dropped

    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Every ticket row is rewritten: without its secondary indexes, then compacted.
        with _secondary_indexes_dropped(cursor):
            for statement in extras_sql.TICKET_UPDATES:
                cursor.execute(statement)
            cursor.execute("VACUUM FULL tickets_ticket")
        for statement in extras_sql.INSERTS:
            cursor.execute(statement)
        cursor.execute("VACUUM ANALYZE")
    print(f"  search and dashboard extras: {time.perf_counter() - started:.1f}s", flush=True)


def timed(label: str, call: Callable[[], object], runs: int) -> dict:
    call()  # warm-up
    queries = []
    # A wrapper, not CaptureQueriesContext: a request resets the connection's query log.
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    row = {
        "what": label,
        "p50": statistics.median(samples),
        "p95": p95,
        "max": samples[-1],
        "queries": len(queries),
    }
    print(
        f"| {label} | {row['p50']:.1f} | {row['p95']:.1f} | {row['max']:.1f} | {row['queries']} |",
        flush=True,
    )
    return row


def search_terms() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        # A requester of the seed's middle range (neither its busiest nor an idle one).
        cursor.execute(
            "SELECT email, split_part(name, ' ', 2) FROM tickets_contact"
            " ORDER BY id LIMIT 1 OFFSET 150"
        )
        email, surname = cursor.fetchone()
    return [
        ("common word", "network"),
        ("two words", "printing slow"),
        ("rare word (descriptions)", extras_sql.RARE_WORD),
        ("rare word (public replies)", extras_sql.RARE_REPLY_WORD),
        ("reference fragment", "000023"),
        ("surname", surname),
        ("e-mail", email),
    ]


def get(client, path: str, params: dict) -> None:
    response = client.get(path, params, secure=True)
    if response.status_code != 200:
        raise SystemExit(f"{path} {params}: {response.status_code} {response.content[:300]!r}")


def first_page(manager, text: str) -> list:
    """The search alone: the FilterSet's ``q`` over what a manager (or an agent) sees, in the
    API's order, the first 25 rows (no count: the list's pagination is measured by
    bench/list_scale.py)."""
    request = RequestFactory().get("/api/v1/tickets/", {"q": text})
    request.user = manager
    tickets = TicketFilterSet(request.GET, queryset=visible_tickets(manager), request=request).qs
    ordering = ["-priority_score", "created_at"]
    if RANK in tickets.query.annotations:  # tickets.search ranks (not before issue 18)
        ordering.insert(0, f"-{RANK}")
    return list(tickets.order_by(*ordering)[:25])


def bench_search(runs: int, api_runs: int) -> None:
    users = get_user_model().objects
    manager = users.get(username="scale-manager-00")
    api = APIClient()
    api.force_authenticate(manager)
    pages = Client()
    logging.getLogger("axes").setLevel(logging.WARNING)
    pages.force_login(manager)
    terms = search_terms()
    for label, text in terms:
        found = TicketFilterSet(
            {"q": text}, queryset=visible_tickets(manager), request=None
        ).qs.count()
        timed(
            f"search, first page, {label} `{text}` ({found:,} found)",
            lambda text=text: first_page(manager, text),
            runs,
        )
    timed("list API, no search", lambda: get(api, "/api/v1/tickets/", {}), api_runs)
    for label, text in terms:
        timed(
            f"search API, {label}",
            lambda text=text: get(api, "/api/v1/tickets/", {"q": text}),
            api_runs,
        )
    _, common = terms[0]
    timed(f"search page, `{common}`", lambda: get(pages, "/tickets/", {"q": common}), api_runs)


def bench_agent_search(runs: int, api_runs: int) -> None:
    # An agent's search of two common words that seldom meet in the agent's teams: few
    # enough to rank (630 of the 7,966 tickets holding both at 1,000,000 tickets).
    agent = get_user_model().objects.get(username="scale-agent-000")
    agent_terms = [
        ("two words, ranked", "printing slow"),
        ("three words, ranked", "printing keeps failing"),
    ]
    for label, text in agent_terms:
        found = TicketFilterSet(
            {"q": text}, queryset=visible_tickets(agent), request=None
        ).qs.count()
        timed(
            f"search, first page, agent, {label} `{text}` ({found:,} found)",
            lambda text=text: first_page(agent, text),
            runs,
        )
    if not api_runs:
        return
    agent_api = APIClient()
    agent_api.force_authenticate(agent)
    agent_pages = Client()
    agent_pages.force_login(agent)
    for label, text in agent_terms:
        timed(
            f"search API, agent, {label}",
            lambda text=text: get(agent_api, "/api/v1/tickets/", {"q": text}),
            api_runs,
        )
        timed(
            f"search page, agent, {label}",
            lambda text=text: get(agent_pages, "/tickets/", {"q": text}),
            api_runs,
        )


def bench_dashboard(runs: int) -> None:
    team_ids = Team.objects.filter(slug="scale-team-00").values_list("id", flat=True)
    one_team = [str(pk) for pk in team_ids]
    timed("KPI snapshot, whole desk (uncached)", kpis.compute, runs)
    timed("KPI snapshot, one team (uncached)", lambda: kpis.compute(team_ids=one_team), runs)
    timed(f"analytics trends, {DAYS} days", lambda: analytics.trends(days=DAYS), runs)
    timed(
        f"analytics team performance, {DAYS} days",
        lambda: analytics.team_performance(days=DAYS),
        runs,
    )
    timed(
        f"analytics routing outcomes, {DAYS} days",
        lambda: analytics.routing_outcomes(days=DAYS),
        runs,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=50_000, dest="open_tickets")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--api-runs", type=int, default=5, help="through the API and the page (0: skip)"
    )
    parser.add_argument(
        "--only", choices=["seed", "search", "agent-search", "dashboard"], default=None
    )
    args = parser.parse_args()
    prepare(args.tickets, args.open_tickets)
    if args.only == "seed":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        print(f"database {connection.settings_dict['NAME']}: {cursor.fetchone()[0]:,} tickets")
    print("| what | p50 ms | p95 ms | max ms | queries |\n|---|---:|---:|---:|---:|", flush=True)
    if args.only in (None, "search"):
        bench_search(args.runs, args.api_runs)
    if args.only in (None, "search", "agent-search"):
        bench_agent_search(args.runs, args.api_runs)
    if args.only in (None, "dashboard"):
        bench_dashboard(args.runs)


if __name__ == "__main__":
    main()
