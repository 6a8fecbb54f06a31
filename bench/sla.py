"""SLA scan benchmark: one scan tick over 100,000 open tickets, and its queries.

    DATABASE_URL=postgres://user@host:port/db .venv/bin/python bench/sla.py [--tickets 100000]
    bash bench/with-postgres .venv/bin/python bench/sla.py

Runs on a throwaway database created next to the one DATABASE_URL names (``test_<name>``, as
the test runner does) and dropped at the end: existing data is never touched. Seeds N open,
owned tickets with running clocks spread over the last 4 hours (priorities and policies mixed,
milestones placed by the real replay, each clock already checked a minute ago, as after the
previous tick), then times ``sla.scan.scan`` at one instant while K of the clocks cross a
threshold (K = 0, 100, 1,000, 5,000: a busy desk of 100,000 open tickets sees a few hundred
per minute). Reports wall time, queries, and queries per batch of 500.

Announcing the crossings (notifications) is queued to the Celery workers after commit and not
part of the tick; it is timed separately for the 1,000-crossing tick.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-deployment-000")
os.environ.setdefault("ENV_FILE", "")  # a developer's .env (DEBUG=true) is not measured

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import waves  # noqa: E402
from itsm.celery import app as celery_app  # noqa: E402
from org.models import AgentProfile, Team  # noqa: E402
from sla import selectors  # noqa: E402
from sla.actions import scan  # noqa: E402
from sla.clocks import evaluate  # noqa: E402
from sla.defaults import seed  # noqa: E402
from sla.models import BusinessCalendar, SLAClock, SLAPolicy, WorkingHours  # noqa: E402
from sla.scoring import pressure  # noqa: E402
from sla.timing import apply_policy, retime  # noqa: E402
from tickets.lifecycle import TicketStatus  # noqa: E402
from tickets.models import Contact, Ticket  # noqa: E402
from tickets.priority import priority_score  # noqa: E402

User = get_user_model()
RNG = random.Random(2026)  # noqa: S311 - reproducible data, not security
PRIORITIES = ["critical", "high", "medium", "medium", "low"]
BATCH = 500
CHUNK = 5000


def seed_tickets(count: int, now) -> None:
    seed(SLAPolicy, BusinessCalendar, WorkingHours)
    team = Team.objects.create(slug="bench", name="Bench")
    agent = User.objects.create_user(username="bench-agent", email="agent@bench.example")
    agent.groups.add(Group.objects.get_or_create(name="agent")[0])
    AgentProfile.objects.create(user=agent).teams.add(team)
    requester = Contact.objects.create(email="requester@bench.example")
    policies = {p.priority: p for p in selectors.policies_with_calendars() if not p.tier}
    calendars = {p.calendar_id: p.calendar.as_calendar() for p in policies.values()}
    for start in range(0, count, CHUNK):
        tickets, clocks = [], []
        for n in range(start, min(start + CHUNK, count)):
            priority = RNG.choice(PRIORITIES)
            started = now - timedelta(minutes=RNG.uniform(1, 240))
            ticket = Ticket(
                reference=f"BEN-{n:07d}",
                title=f"Bench ticket {n}",
                priority=priority,
                status=TicketStatus.IN_PROGRESS,
                requester=requester,
                team=team,
                owner=agent,
            )
            clock = SLAClock(ticket=ticket, tier="standard", started_at=started)
            apply_policy(clock, policies[priority])
            retime(clock, calendar=calendars[clock.policy.calendar_id], pauses=[])
            clock.last_activity_at = started
            outcome = evaluate(selectors.facts_of(clock), now - timedelta(minutes=1))
            clock.state, clock.breached_at = outcome.state, outcome.breached_at
            clock.crossed = sorted(outcome.facts.crossed)  # as if earlier ticks recorded them
            clock.next_check_at = outcome.next_check_at
            ticket.sla_pressure = pressure(
                sla_factor=outcome.sla_factor, staleness_factor=outcome.staleness_factor
            )
            ticket.priority_score = priority_score(
                priority=priority,
                tier="standard",
                status=ticket.status,
                pressure=ticket.sla_pressure,
            )
            tickets.append(ticket)
            clocks.append(clock)
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets, batch_size=1000)
            for clock in clocks:
                clock.ticket_id = clock.ticket.pk
            SLAClock.objects.bulk_create(clocks, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def make_crossings(how_many: int, now) -> None:
    """Put ``how_many`` untouched clocks right at their first-response warning."""
    ids = list(
        SLAClock.objects.filter(first_response_met_at__isnull=True, crossed=[])
        .exclude(next_check_at__lte=now)
        .order_by("?")
        .values_list("pk", flat=True)[:how_many]
    )
    SLAClock.objects.filter(pk__in=ids).update(
        first_response_warn_at=now - timedelta(seconds=30), next_check_at=now
    )


def due_now(now) -> int:
    return SLAClock.objects.filter(next_check_at__lte=now).count()


def tick(now) -> tuple[float, int, scan.ScanReport]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        report = scan.scan(now=now, batch_size=BATCH)
        elapsed = time.perf_counter() - started
    return elapsed, len(captured), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Note: DATABASE_URL is not PostgreSQL; the recorded numbers are PostgreSQL's.")
    celery_app.conf.task_always_eager = False  # event deliveries go to the (absent) workers
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        now = timezone.now().replace(microsecond=0)
        t = time.perf_counter()
        seed_tickets(args.tickets, now)
        print(f"seeded {args.tickets:,} open tickets with clocks in {time.perf_counter() - t:.1f}s")
        print(
            f"{'crossing':>9} {'checked':>8} {'recorded':>8} {'seconds':>8} {'queries':>8} "
            f"{'batches':>7} {'queries/batch':>13}"
        )
        for wanted in (0, 100, 1000, 5000):
            make_crossings(wanted, now)
            pending = due_now(now)
            elapsed, queries, report = tick(now)
            per_batch = queries / report.batches if report.batches else queries
            print(
                f"{wanted:>9,} {pending:>8,} {report.crossings:>8,} {elapsed:>8.3f} "
                f"{queries:>8} {report.batches:>7} {per_batch:>13.1f}"
            )
        # What the ticks recorded is delivered after their commits by a worker (none runs
        # here: the events wait in the outbox); deliver them all now, as one would.
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            delivered = waves.drain_due(stale_after=timedelta(0), limit=100_000)
        print(
            f"delivering the {delivered:,} crossing events (worker side: notifications, rules, "
            f"dashboard): {time.perf_counter() - t:.2f}s, {len(captured)} queries"
        )
        with transaction.atomic():
            plan = selectors.clocks_to_check(now)[:BATCH].explain()
        print("plan:", " / ".join(line.strip() for line in plan.splitlines()[:4]))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
