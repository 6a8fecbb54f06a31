"""Databases and data of the HTTP benchmark (bench/http_driver.py): one database per app on the same
PostgreSQL, the same number of tickets in each, and the project's callers (a manager with a
password for JWTs, an integration key for webhooks)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
MANAGER, PASSWORD = "bench-http-manager", "bench-http-pass-2026"

# The same shape as bench/seed_scale.py's tickets: two years of them, the open backlog every
# other one of the newest 2 x open, the same shares of statuses and priorities.
FLOOR_TICKETS = """
INSERT INTO floor_tickets_ticket
    (title, description, status, priority, requester_email, created_at, updated_at)
SELECT 'Ticket number ' || i,
       repeat('The problem as the requester wrote it. ', 6),
       CASE WHEN i > %(open_from)s AND mod(i - %(open_from)s, %(open_step)s) = 0 THEN
                CASE WHEN r_status < 0.15 THEN 'new' WHEN r_status < 0.70 THEN 'in_progress'
                     WHEN r_status < 0.90 THEN 'waiting' ELSE 'escalated' END
            WHEN r_status < 0.5 THEN 'resolved' ELSE 'closed' END,
       CASE WHEN r_prio < 0.05 THEN 'critical' WHEN r_prio < 0.25 THEN 'high'
            WHEN r_prio < 0.70 THEN 'medium' ELSE 'low' END,
       'requester' || floor(r_req * 20000)::int || '@example.com',
       created_at, created_at
FROM (
    SELECT i, random() AS r_status, random() AS r_prio, random() AS r_req,
           now() - interval '730 days' * (1 - i::float8 / %(tickets)s) AS created_at
    FROM generate_series(1, %(tickets)s) AS i
) AS draw
"""


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(base: str, name: str) -> str:
    """A fresh database `name` on the server `base` names (bench_ databases only)."""
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to drop {name!r}: benchmark databases start with bench_")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(base, name)


def drop_database(base: str, name: str) -> None:
    if name.startswith("bench_"):
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed_floor(*, url: str, tickets: int, open_tickets: int) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"}
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    window = min(tickets, 2 * open_tickets)
    params = {
        "tickets": tickets,
        "open_from": tickets - window,
        "open_step": 2 if window == 2 * open_tickets else 1,
    }
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT setseed(0.2026)")  # the same table on every run
        conn.execute(FLOOR_TICKETS, params)
        conn.execute("VACUUM ANALYZE floor_tickets_ticket")


def seed_project(*, tickets: int, open_tickets: int) -> None:
    """Migrate and seed the project's database (Django is set up on it) with the project's
    scale seeder, timeline entries, SLA clocks and routing decisions included."""
    from django.core.management import call_command

    from bench.seed_scale import seed

    call_command("migrate", verbosity=0)
    seed(tickets, open_tickets)


def project_callers() -> tuple[str, str, str]:
    """A manager to sign in as (the API create and the lists; a session for the agent page) and
    a `generic` integration key for webhooks, neither of them throttled; returns (username, raw
    key, session cookie)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from integrations.actions.keys import create_api_key

    user = get_user_model().objects.create_user(
        username=MANAGER, email=f"{MANAGER}@example.com", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    key, raw = create_api_key(source="generic", name="bench-http")
    type(key).objects.filter(pk=key.pk).update(rate_per_minute=10_000_000)
    client = Client()
    client.force_login(user, backend="core.accounts.RoleReadingBackend")
    return MANAGER, raw, client.cookies["sessionid"].value


def sample_ids(url: str, table: str, count: int) -> list[str]:
    """Ticket ids for the detail case, spread over the table."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f"SELECT id FROM {table} ORDER BY random() LIMIT %s",  # noqa: S608 - our tables
            (count,),
        ).fetchall()
    return [str(row[0]) for row in rows]
