"""Ticket list at scale: the list API and the agent list page, in-process, on a seeded database.

    DATABASE_URL=postgres://user@host:port/db .venv/bin/python bench/list_scale.py [--samples 20]

The database is one ``bench/seed_scale.py`` filled (``make bench-seed``); it is only read. Each
case is a GET through the Django test client (middleware, session, the view, the serializer or
the template), as an agent (``scale-agent-000``: team 0, the busiest) and as the admin
(``scale-admin``): page 1, a deep page, each single filter, the default and the other
orderings. After three warm-up calls, ``--samples`` calls are timed with no query capture
running (DEBUG off: no query log either), then one more is counted with
CaptureQueriesContext (its statements' own time is the SQL ms column: what the database took,
which a busy machine inflates less than the wall time). Prints p50 / p95 ms, the web
process's CPU per request (``time.process_time``: this process, the database not included),
queries and SQL ms per case, and a Markdown table.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-deployment-000")
os.environ.setdefault("ENV_FILE", "")  # a developer's .env (DEBUG=true) is not measured
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # the test client speaks plain HTTP
os.environ.setdefault("API_RATE_USER", "1000000/min")  # measure the list, not the throttle

import django

django.setup()

from django.conf import settings  # noqa: E402

# Plain static URLs: the page is measured without `collectstatic` having run (its manifest).
settings.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

User = get_user_model()
SLOW_MS = 2000  # a case this slow gets three samples: the point is made


def cases(agent_email: str, team_slug: str, requester_email: str) -> list[tuple[str, str]]:
    """(label, query string) pairs, the same for the API and the page where both have it."""
    return [
        ("page 1 (default order)", ""),
        ("page 40", "page=40"),
        ("page 200", "page=200"),
        ("page 2000", "page=2000"),
        # The same page through the cursor page 1999 gives (read once, before the timing).
        ("page 2000 by cursor", "cursor=CURSOR2000"),
        ("status=new", "status=new"),
        ("status=in_progress", "status=in_progress"),
        ("status=closed", "status=closed"),
        ("priority=critical", "priority=critical"),
        ("type=change", "type=change"),
        ("category=printing", "category=printing"),
        ("source=servicenow", "source=servicenow"),
        ("team", f"team={team_slug}"),
        ("owner", f"owner={agent_email}"),
        ("owner=me", "owner=me"),
        ("requester", f"requester={requester_email}"),
        ("sla_state=breached", "sla_state=breached"),
        ("created_after (7 days)", "created_after=LAST_WEEK"),
        ("created, newest first", "ORDER=-created_at"),
        ("created, oldest first", "ORDER=created_at"),
        ("updated, newest first", "ORDER=-updated_at"),
        ("SLA due, soonest first", "ORDER=sla_due"),
        ("SLA due, latest first", "ORDER=-sla_due"),
        ("status=new, page 40", "status=new&page=40"),
        # Search (tickets.search): a word of one title in eight, two words, a reference part.
        ("search: common word", "q=failing"),
        ("search: two words", "q=intermittent+printing"),
        ("search: reference fragment", "q=000123"),
    ]


# The page's ?sort= names for the API's ?ordering= ones.
PAGE_SORTS = {
    "-created_at": "-created",
    "created_at": "created",
    "-updated_at": "-updated",
    "sla_due": "sla_due",
    "-sla_due": "-sla_due",
}


def query_for(door: str, query: str, last_week: str, cursor: str = "") -> str:
    query = query.replace("LAST_WEEK", last_week).replace("CURSOR2000", cursor)
    if query.startswith("ORDER="):
        order = query.removeprefix("ORDER=")
        query = f"ordering={order}" if door == "api" else f"sort={PAGE_SORTS[order]}"
    return query


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(
    client: Client, url: str, samples: int
) -> tuple[list[float], list[float], int, float, int]:
    for _ in range(3):
        started = time.perf_counter()
        status = client.get(url).status_code
        if (time.perf_counter() - started) * 1000 > SLOW_MS:
            samples = 3
            break
    timings, cpu = [], []
    for _ in range(samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    sql_ms = sum(float(query["time"]) for query in queries) * 1000
    return timings, cpu, len(queries), sql_ms, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--only", default="", help="run the cases whose label contains this")
    args = parser.parse_args()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        total = cursor.fetchone()[0]
    last_week = (datetime.now(UTC) - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    agent = User.objects.get(username="scale-agent-000")
    admin = User.objects.get(username="scale-admin")
    mine = agent.owned_tickets.order_by("created_at")
    requester = mine.values_list("requester__email", flat=True).first()
    print(f"database: {connection.settings_dict['NAME']}, {total:,} tickets", flush=True)
    rows = [
        "| tickets | door | who | case | p50 ms | p95 ms | web CPU p50 ms | queries | SQL ms "
        "| status |"
    ]
    rows.append("|---:|---|---|---|---:|---:|---:|---:|---:|---:|")
    for who, user in (("agent", agent), ("admin", admin)):
        client = Client()
        client.force_login(user)
        answer = client.get("/api/v1/tickets/?page=1999").json()
        cursor = quote(answer.get("next_cursor") or "")
        for label, raw in cases(agent.email, "scale-team-00", requester):
            if args.only and args.only not in label:
                continue
            for door, path in (("api", "/api/v1/tickets/"), ("page", "/tickets/")):
                url = f"{path}?{query_for(door, raw, last_week, cursor)}"
                timings, cpu, queries, sql_ms, status = measure(client, url, args.samples)
                line = (
                    f"| {total:,} | {door} | {who} | {label} | {statistics.median(timings):.1f} | "
                    f"{percentile(timings, 95):.1f} | {statistics.median(cpu):.1f} | {queries} | "
                    f"{sql_ms:.1f} | {status} |"
                )
                print(line, flush=True)
                rows.append(line)
    print("\nMarkdown:\n" + "\n".join(rows))


if __name__ == "__main__":
    main()
