"""Databases and data of the HTTP benchmark (bench/http.py): one database per app on the same
PostgreSQL, the same number of tickets in each, and the project's callers (a manager with a
password for JWTs, an integration key for webhooks)."""

import io
import os
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
MANAGER, PASSWORD = "bench-http-manager", "bench-http-pass-2026"

FLOOR_TICKETS = """
INSERT INTO floor_tickets_ticket
    (title, description, status, priority, requester_email, created_at, updated_at)
SELECT 'Ticket number ' || n,
       repeat('The problem as the requester wrote it. ', 6),
       CASE WHEN n > %(total)s - %(open)s
            THEN (ARRAY['new', 'in_progress', 'waiting', 'escalated'])[1 + n %% 4]
            ELSE (ARRAY['resolved', 'closed'])[1 + n %% 2] END,
       (ARRAY['critical', 'high', 'medium', 'medium', 'low', 'low'])[1 + n %% 6],
       'requester' || (n %% 20000) || '@example.com',
       now() - interval '730 days' * (%(total)s - n) / %(total)s,
       now() - interval '730 days' * (%(total)s - n) / %(total)s
FROM generate_series(1, %(total)s) AS n
"""

# Only while bench/seed_scale.py (the project's scale seeder, issue 18) is not in the tree:
# tickets as bare rows over seed_demo's teams and requesters, open ones the most recent.
FALLBACK_TICKETS = """
INSERT INTO tickets_ticket
    (id, reference, type, status, title, description, category, priority, urgency, impact,
     priority_score, sla_pressure, source, external_id, external_metadata, created_at,
     updated_at, resolved_at, closed_at, resolution, requester_id, team_id)
SELECT gen_random_uuid(), 'INC-2025-' || lpad(n::text, 7, '0'), 'incident',
       CASE WHEN n > %(total)s - %(open)s
            THEN (ARRAY['new', 'in_progress', 'waiting', 'escalated'])[1 + n %% 4]
            ELSE (ARRAY['resolved', 'closed'])[1 + n %% 2] END,
       'Ticket number ' || n, repeat('The problem as the requester wrote it. ', 6),
       (ARRAY['network', 'hardware', 'software', 'access', 'email'])[1 + n %% 5],
       (ARRAY['critical', 'high', 'medium', 'medium', 'low', 'low'])[1 + n %% 6], '', '',
       (n %% 100) / 10.0, 1.0, 'web', '', '{}',
       now() - interval '730 days' * (%(total)s - n) / %(total)s,
       now() - interval '730 days' * (%(total)s - n) / %(total)s,
       NULL, NULL, '',
       (SELECT array_agg(id) FROM contact_ids)[1 + n %% (SELECT count(*) FROM contact_ids)],
       (SELECT array_agg(id) FROM team_ids)[1 + n %% (SELECT count(*) FROM team_ids)]
FROM generate_series(1, %(total)s) AS n
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
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(FLOOR_TICKETS, {"total": tickets, "open": open_tickets})
        conn.execute("VACUUM ANALYZE floor_tickets_ticket")


def seed_project(*, tickets: int, open_tickets: int) -> str:
    """Migrate and seed the project's database (Django is set up on it); returns the seeder."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if (ROOT / "bench" / "seed_scale.py").exists():
        from bench.seed_scale import seed

        seed(tickets, open_tickets)
        return "bench/seed_scale.py"
    _fallback_seed(tickets, open_tickets)
    return "seed_demo plus bare ticket rows (bench/seed_scale.py absent)"


def _fallback_seed(tickets: int, open_tickets: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    with redirect_stdout(io.StringIO()):  # the console e-mail backend prints the demo's mail
        call_command("seed_demo", tickets=36, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE contact_ids AS SELECT id FROM tickets_contact")
        cursor.execute("CREATE TEMP TABLE team_ids AS SELECT id FROM org_team")
        cursor.execute(FALLBACK_TICKETS, {"total": tickets, "open": open_tickets})
        cursor.execute("ANALYZE")


def project_callers() -> tuple[str, str]:
    """A manager to sign in as (the API create and the lists) and a `generic` integration key
    for webhooks, neither of them throttled; returns (username, raw key)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from integrations.actions.keys import create_api_key

    user = get_user_model().objects.create_user(
        username=MANAGER, email=f"{MANAGER}@example.com", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    key, raw = create_api_key(source="generic", name="bench-http")
    type(key).objects.filter(pk=key.pk).update(rate_per_minute=10_000_000)
    return MANAGER, raw


def sample_ids(url: str, table: str, count: int) -> list[str]:
    """Ticket ids for the detail case, spread over the table."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f"SELECT id FROM {table} TABLESAMPLE SYSTEM (10) LIMIT %s",  # noqa: S608 - our tables
            (count,),
        ).fetchall()
    return [str(row[0]) for row in rows]
