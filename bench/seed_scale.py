"""Scale seeding: a PostgreSQL database (after ``migrate``) filled with a realistic desk.

    DATABASE_URL=postgres://user@host:port/db .venv/bin/python bench/seed_scale.py \
        [--tickets 1000000] [--open 50000]

or, from code after ``django.setup()``: ``from bench.seed_scale import seed; seed(1_000_000,
50_000)``.

What it makes: 50 teams, 500 agents (10 per team, usernames ``scale-agent-000``...), 10
managers, one admin (``scale-admin``), 600 companies, 20,000 requesters (30% in a company;
a few requesters write most tickets), an always-open SLA calendar with a policy per priority
plus the default one, and N tickets created over two years: mostly resolved or closed, the open
backlog (``--open``) among the most recent ones (new / in progress / waiting / escalated);
skewed priorities, types, categories, sources (ServiceNow ones with an external id), teams and
owners. Each ticket gets its SLA clock (due times, met times, state, crossings, the open pause
of a waiting ticket), its routing decision when it has a team, and three timeline entries (the
system line, a public reply, an internal note). Then VACUUM ANALYZE.

This writes straight to the tables of tickets, sla, routing and org with ``INSERT ... SELECT
generate_series``: a benchmark tool, the one allowed exception to "one writer per table"
(docs/architecture.md). Nothing is audited and no event is published. For speed the big
tables' secondary indexes are dropped and built again after the load, and, when the role is a
superuser, foreign-key triggers are skipped (``session_replication_role = replica``): every
reference is built from rows that exist. It refuses a database that already has tickets.
"""

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-deployment-000")
    os.environ.setdefault("ENV_FILE", "")  # a developer's .env (DEBUG=true) is not measured
    import django

    django.setup()

from django.db import connection, transaction

from bench import seed_scale_sql as sql
from tickets import load_triggers

TEAMS = 50
AGENTS_PER_TEAM = 10
MANAGERS = 10
COMPANIES = 600
CONTACTS = 20_000
# The big tables: their secondary indexes are built once after the load, not row by row.
BULK_TABLES = (
    "tickets_ticket",
    "tickets_timelineentry",
    "sla_slaclock",
    "sla_slapause",
    "routing_allocationdecision",
)


def seed(tickets: int, open_tickets: int) -> None:
    """Fill the (migrated, ticket-less) database; prints a line per step with its time."""
    if connection.vendor != "postgresql":
        raise SystemExit("seed_scale needs PostgreSQL (DATABASE_URL=postgres://...).")
    open_tickets = max(0, min(open_tickets, tickets))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM tickets_ticket)")
        if cursor.fetchone()[0]:
            raise SystemExit("The database already has tickets: seed a fresh one.")
        _settings(cursor)
        _step(cursor, "people and configuration", sql.people(), _people_params())
        with _secondary_indexes_dropped(cursor):
            counts = _ticket_params(tickets, open_tickets)
            _step(cursor, f"{tickets:,} tickets", sql.TICKETS, counts)
            _step(cursor, "SLA clocks", sql.CLOCKS, None)
            _step(cursor, "SLA pauses", sql.PAUSES, None)
            _step(cursor, "tickets' SLA due", sql.SLA_DUE, None)
            _step(cursor, "routing decisions", sql.DECISIONS, None)
            _step(cursor, "timeline entries", sql.TIMELINE, None)
        _step(cursor, "reference sequences", sql.SEQUENCES, None)
        # As replica the ticket table's triggers did not run: the team loads from the tickets.
        started_counts = time.perf_counter()
        load_triggers.recount(connection)
        print(f"  team loads: {time.perf_counter() - started_counts:.1f}s", flush=True)
    _analyze()
    print(f"seeded in {time.perf_counter() - started:.1f}s", flush=True)


def _settings(cursor) -> None:
    cursor.execute("SET LOCAL synchronous_commit = off")
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SELECT setseed(0.2026)")  # the same desk on every run
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        # Every foreign key is built from rows that exist: skip the per-row checks.
        cursor.execute("SET LOCAL session_replication_role = replica")


def _step(cursor, label: str, statements: str | list[str], params: dict | None) -> None:
    started = time.perf_counter()
    for statement in [statements] if isinstance(statements, str) else statements:
        cursor.execute(statement, params)
    print(f"  {label}: {time.perf_counter() - started:.1f}s", flush=True)


@contextmanager
def _secondary_indexes_dropped(cursor) -> Iterator[None]:
    """Drop the big tables' indexes that back no constraint and build them again afterwards
    (one sort each instead of a million insertions). Read from the catalogue, so indexes other
    migrations add are kept too."""
    cursor.execute(sql.SECONDARY_INDEXES, {"tables": list(BULK_TABLES)})
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    started = time.perf_counter()
    for _name, definition in indexes:
        cursor.execute(definition)
    print(f"  {len(indexes)} indexes built: {time.perf_counter() - started:.1f}s", flush=True)


def _people_params() -> dict:
    return {
        "teams": TEAMS,
        "agents": TEAMS * AGENTS_PER_TEAM,
        "managers": MANAGERS,
        "companies": COMPANIES,
        "contacts": CONTACTS,
    }


def _ticket_params(tickets: int, open_tickets: int) -> dict:
    # The open backlog sits among the newest tickets: every other one of the last 2 x open
    # (all of the last ones when the table is too small for that).
    window = min(tickets, 2 * open_tickets)
    step = 2 if window == 2 * open_tickets else 1
    return {
        "tickets": tickets,
        "open_from": tickets - window,
        "open_step": step,
        "teams": TEAMS,
        "agents_per_team": AGENTS_PER_TEAM,
        "contacts": CONTACTS,
    }


def _analyze() -> None:
    """VACUUM as well: it sets the visibility map that index-only scans need, as autovacuum
    would soon after a real table grew this much (outside the transaction: VACUUM refuses one)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE: {time.perf_counter() - started:.1f}s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=50_000, dest="open_tickets")
    args = parser.parse_args()
    print(f"database: {connection.settings_dict['NAME']}", flush=True)
    seed(args.tickets, args.open_tickets)


if __name__ == "__main__":
    main()
