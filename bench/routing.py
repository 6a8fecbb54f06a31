"""Routing benchmark: decision latency and queries per decision as the ticket table grows.

    DATABASE_URL=postgres://user@host:port/db .venv/bin/python bench/routing.py [--decisions 500]

Runs on a throwaway database created next to the one DATABASE_URL names (``test_<name>``, as
the test runner does) and dropped at the end: existing data is never touched. Seeds 50 teams,
500 agents, 2,000 requesters and 1,500 open tickets (a realistic open backlog: 50 teams x ~30),
then 10,000 and then 100,000 tickets in total (the rest resolved or closed, over 180 days), and
at each size times N routing decisions of new, unrouted tickets:

- ``decide``: routing.decide.prepare_decision (the reads and the engine, nothing stored);
- ``route``: routing.actions.route.route_ticket (lock, decide, store the decision, apply it to
  the ticket: team, timeline and audit rows, the ticket.routed event; commit), with the event
  held for a worker;
- ``deliver ticket.routed``: what the event sets off after the commit (core.dispatch.drain):
  the SLA clock follows the team, the team's agents and the suggested agent are notified (the
  suggested agent's e-mail goes to the console backend), handlers, the dashboard.

Prints p50 / p95 / max latency and queries per decision (CaptureQueriesContext).

``--uncategorised``: the new tickets come without a category, with the wording of the labelled
triage set (tests/data/triage_tickets.json), so semantic triage reads each one; with
``--no-triage`` as well, the keyword map and the learned classifier guess instead. The
difference between the two runs is what triage adds to a routing decision.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-deployment-000")
os.environ.setdefault("ENV_FILE", "")  # a developer's .env (DEBUG=true) is not measured

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import dispatch  # noqa: E402
from itsm.celery import app as celery_app  # noqa: E402
from org.models import AgentProfile, Team  # noqa: E402
from routing.actions.config import import_rules  # noqa: E402
from routing.actions.metrics import refresh_team_metrics  # noqa: E402
from routing.actions.route import route_ticket  # noqa: E402
from routing.decide import prepare_decision  # noqa: E402
from routing.selectors import keyword_map as keyword_map_of  # noqa: E402
from routing.semantic import service as semantic  # noqa: E402
from tickets.models import Contact, Ticket  # noqa: E402
from tickets.priority import priority_score  # noqa: E402

User = get_user_model()
RNG = random.Random(2026)  # noqa: S311 - reproducible data, not security
CATEGORIES = [
    "network",
    "access",
    "email",
    "hardware",
    "software",
    "application",
    "security",
    "database",
    "outage",
    "printing",
]
ZONES = [
    ("America/New_York", 40.7, -74.0),
    ("Europe/London", 51.5, -0.1),
    ("Europe/Berlin", 52.5, 13.4),
    ("Asia/Singapore", 1.35, 103.8),
    ("Australia/Sydney", -33.9, 151.2),
    ("America/Sao_Paulo", -23.5, -46.6),
]
PRIORITIES = ["critical", "high", "medium", "medium", "low", "low"]
OPEN_STATUSES = ["new", "in_progress", "in_progress", "escalated", "waiting"]
RULES = """
- name: route_critical_to_senior
  trigger:
    event: ticket.created
    conditions:
      - priority: critical
      - type: change
  action: {type: assign, to: team:team-00}
- name: flag_legal
  trigger:
    event: ticket.created
    conditions:
      - text: {matches: "(?i)gdpr|subpoena|lawsuit"}
  action: {type: add_flag, value: legal}
- name: vip_printing
  trigger:
    event: ticket.created
    conditions:
      - tier: vip
      - category: {in: [printing, hardware]}
  action: {type: set_priority, value: high}
"""


def seed_people() -> tuple[list[Team], dict, list[Contact]]:
    teams = []
    for i in range(50):
        zone, lat, lng = ZONES[i % len(ZONES)]
        caps = RNG.sample(CATEGORIES, k=RNG.randint(1, 3))
        teams.append(
            Team(
                slug=f"team-{i:02d}",
                name=f"Team {i:02d}",
                capabilities=caps,
                latitude=lat,
                longitude=lng,
                timezone=zone,
                max_bandwidth=RNG.randint(20, 60),
                avg_resolution_time_hours=RNG.uniform(2, 48),
                sla_compliance_rate=RNG.uniform(0.7, 0.99),
                quality_score=RNG.uniform(0.6, 0.95),
                cultural_competencies=RNG.sample(
                    ["en", "de", "fr", "es", "emea", "apac", "americas", "24x7", "vip"], k=3
                ),
            )
        )
    Team.objects.bulk_create(teams)
    agent_group, _ = Group.objects.get_or_create(name="agent")
    users = User.objects.bulk_create(
        User(username=f"bench-agent-{i}", email=f"agent{i}@bench.example", password="!")
        for i in range(500)
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=agent_group.pk) for u in users
    )
    profiles = AgentProfile.objects.bulk_create(
        AgentProfile(user=u, skills=RNG.sample(CATEGORIES, k=2), max_capacity=10) for u in users
    )
    members: dict = {team.pk: [] for team in teams}
    links = []
    for i, profile in enumerate(profiles):
        team = teams[i % 50]
        members[team.pk].append(profile.user_id)
        links.append(AgentProfile.teams.through(agentprofile_id=profile.pk, team_id=team.pk))
    AgentProfile.teams.through.objects.bulk_create(links)
    contacts = Contact.objects.bulk_create(
        Contact(
            email=f"user{i}@customer.example",
            name=f"User {i}",
            tier=RNG.choice(["standard"] * 8 + ["premium", "vip"]),
            timezone=ZONES[i % len(ZONES)][0],
            latitude=ZONES[i % len(ZONES)][1],
            longitude=ZONES[i % len(ZONES)][2],
        )
        for i in range(2000)
    )
    return teams, members, contacts


TRIAGE_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "triage_tickets.json"


class Seeder:
    def __init__(self, teams, members, contacts, uncategorised: bool = False) -> None:
        self.teams, self.members, self.contacts = teams, members, contacts
        self.count = 0
        self.now = timezone.now()
        self.texts = []
        if uncategorised:
            rows = json.loads(TRIAGE_SET.read_text(encoding="utf-8"))["tickets"]
            self.texts = [(row["title"], row["description"]) for row in rows]

    def tickets(self, how_many: int, *, open_work: bool, team: bool = True) -> list[Ticket]:
        rows = []
        for _ in range(how_many):
            self.count += 1
            chosen = RNG.choice(self.teams) if team else None
            category = RNG.choice(chosen.capabilities if chosen else CATEGORIES)
            priority = RNG.choice(PRIORITIES)
            contact = RNG.choice(self.contacts)
            status = RNG.choice(OPEN_STATUSES) if open_work else RNG.choice(["resolved", "closed"])
            if not team:
                status = "new"
            created = self.now - timedelta(hours=RNG.uniform(0, 24 * 180)) if team else self.now
            owner = None if status == "new" else RNG.choice(self.members[chosen.pk])
            resolved = created + timedelta(hours=RNG.uniform(0.5, 96))
            title = f"{category} issue {self.count}"
            description = f"Something about {category} is not right."
            if self.texts and not team:
                (title, description), category = RNG.choice(self.texts), ""
            rows.append(
                Ticket(
                    reference=f"BEN-2026-{self.count:07d}",
                    title=title,
                    description=description,
                    category=category,
                    priority=priority,
                    priority_score=priority_score(
                        priority=priority, tier=contact.tier, status=status
                    ),
                    source="bench",
                    requester=contact,
                    team=chosen,
                    status=status,
                    owner_id=owner,
                    created_at=created,
                    accepted_at=created if owner else None,
                    resolved_at=resolved if status in ("resolved", "closed") else None,
                    closed_at=resolved if status == "closed" else None,
                )
            )
        created_at = Ticket._meta.get_field("created_at")
        created_at.auto_now_add = False  # seeding history: keep the dates given above
        try:
            return Ticket.objects.bulk_create(rows, batch_size=5000)
        finally:
            created_at.auto_now_add = True


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _cpu_timed(call) -> float:
    """This thread's CPU milliseconds: the cost of the call on a machine busy with others."""
    started = time.thread_time()
    call()
    return (time.thread_time() - started) * 1000


def _queries(call) -> int:
    reset_queries()  # the query log is capped; an overflow would hide the count
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


@contextmanager
def events_held():
    """The routing transaction alone: what its ticket.routed sets off is queued for a worker
    (none runs here) instead of being delivered right after the commit."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


def _deliver(ticket) -> None:
    dispatch.drain(f"ticket:{ticket.pk}")


def measure(seeder: Seeder, decisions: int) -> dict:
    """Latency is timed with no query capture (its bookkeeping costs about 0.3 ms a query,
    which production does not pay); queries are counted on 20 more tickets."""
    fresh = seeder.tickets(decisions + 40, open_work=True, team=False)
    for ticket in fresh[:20]:  # warm-up: connections, caches, plans
        prepare_decision(ticket_id=ticket.pk)
    counted, timed = fresh[20:40], fresh[40:]
    decide_ms, route_ms, deliver_ms, triage_ms, triage_cpu = [], [], [], [], []
    keyword_map = keyword_map_of()
    for ticket in timed:
        if not ticket.category and settings.TRIAGE_SEMANTIC:
            # What triage adds to the decision: embedding, n-grams, classifier, blend.
            guess = partial(semantic.guess, ticket.title, ticket.description, keyword_map)
            triage_ms.append(_timed(guess))
            triage_cpu.append(_cpu_timed(guess))
        decide_ms.append(_timed(partial(prepare_decision, ticket_id=ticket.pk)))
        with events_held():
            route_ms.append(_timed(partial(route_ticket, ticket_id=ticket.pk)))
        deliver_ms.append(_timed(partial(_deliver, ticket)))
        ticket.refresh_from_db(fields=["team"])
        assert ticket.team_id is not None
    decide_q = [_queries(partial(prepare_decision, ticket_id=t.pk)) for t in counted]
    with events_held():
        route_q = [_queries(partial(route_ticket, ticket_id=t.pk)) for t in counted]
    deliver_q = [_queries(partial(_deliver, t)) for t in counted]
    triage = {}
    if triage_ms:
        triage = {
            "triage (within decide)": (triage_ms, [0]),
            "triage, CPU time": (triage_cpu, [0]),
        }
    return {
        **triage,
        "decide": (decide_ms, decide_q),
        "route": (route_ms, route_q),
        "deliver ticket.routed": (deliver_ms, deliver_q),
    }


def report(label: str, total: int, results: dict) -> list[str]:
    lines = []
    for kind, (ms, queries) in results.items():
        lines.append(
            f"| {total:,} | {kind} | {statistics.median(ms):.2f} | {percentile(ms, 95):.2f} | "
            f"{max(ms):.2f} | {min(queries)}-{max(queries)} |"
        )
    print(f"\n{label}")
    print("\n".join(lines), flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=500)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--uncategorised", action="store_true")
    parser.add_argument("--no-triage", action="store_true")
    args = parser.parse_args()
    if args.no_triage:
        settings.TRIAGE_SEMANTIC = False
    sizes = [int(size) for size in args.sizes.split(",")]
    old_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        print(
            f"new tickets {'without' if args.uncategorised else 'with'} a category; semantic "
            f"triage {'off' if args.no_triage else settings.TRIAGE_PROVIDER}"
        )
        teams, members, contacts = seed_people()
        import_rules(text=RULES)  # after the teams: a rule naming a missing team is refused
        seeder = Seeder(teams, members, contacts, uncategorised=args.uncategorised)
        seeder.tickets(1500, open_work=True)
        rows = [
            "| tickets | path | p50 ms | p95 ms | max ms | queries/decision |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        for size in sizes:
            t = time.perf_counter()
            while seeder.count < size:
                seeder.tickets(min(10_000, size - seeder.count), open_work=False)
            refresh_started = time.perf_counter()
            refreshed = refresh_team_metrics()
            refresh_ms = (time.perf_counter() - refresh_started) * 1000
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            total = Ticket.objects.count()
            print(
                f"\nseeded {total:,} tickets in {time.perf_counter() - t:.1f}s; "
                f"metrics refresh {refresh_ms:.0f} ms ({refreshed} team/category rows)"
            )
            rows += report(f"{total:,} tickets", size, measure(seeder, args.decisions))
        print("\nMarkdown:\n" + "\n".join(rows))
        print(f"\ntotal {time.perf_counter() - started:.0f}s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
