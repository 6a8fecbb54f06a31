"""python manage.py seed_demo: a lived-in service desk to click through (itsm.demo). Eight teams
in four time zones, forty agents and a manager, three hundred requesters in thirty companies,
the demo's routing rules, knowledge-base articles and ninety days of tickets that the routing
engine and the SLA clocks decided. The same desk on every run; idempotent: people are keyed by
slug, username and e-mail, and the history is written once (a second run adds nothing)."""

import time
from datetime import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from dashboard.kpis import invalidate
from itsm.demo import people
from itsm.demo.catalogue import DEMO_PASSWORD, MANAGER, NAMED_REQUESTERS, TEAMS
from itsm.demo.seed import seed_history
from kb.actions.articles import seed_demo_articles
from routing.actions.config import import_rules
from routing.actions.metrics import refresh_team_metrics
from routing.models import RoutingRule

RULES = Path(__file__).resolve().parents[2] / "demo" / "routing_rules.yaml"
User = get_user_model()


class Command(BaseCommand):
    help = "Create the demo desk: teams, agents, requesters, rules and 90 days of tickets."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--tickets", type=int, default=3000, help="How many tickets of history (once)."
        )
        parser.add_argument(
            "--as-of",
            type=datetime.fromisoformat,
            default=None,
            help="The history ends at this ISO instant (default: this hour); same instant, "
            "same desk.",
        )

    def handle(self, *args, tickets: int, as_of: datetime | None, **options) -> None:
        started = time.perf_counter()
        # One instant for the whole history, on the hour: two runs the same hour draw the same.
        now = as_of or timezone.now().replace(minute=0, second=0, microsecond=0)
        if timezone.is_naive(now):
            raise CommandError("--as-of needs a time zone, e.g. 2026-12-01T10:00:00+00:00.")
        if now > timezone.now():
            raise CommandError("--as-of lies in the future: the history ends at the latest now.")
        created = {}
        with transaction.atomic():
            password_hash = people.demo_password_hash()
            created["teams"] = people.write_teams(now)
            created["agents"] = people.write_agents(now, password_hash)
            created["requesters"] = people.write_requesters(now, password_hash)
            created["rules"] = self._rules()
        manager = User.objects.get(username=MANAGER[0])
        created["articles"] = seed_demo_articles(author=manager)
        created["tickets"] = seed_history(count=tickets, now=now)
        if created["tickets"]:
            refresh_team_metrics()  # routing's measured velocity, as beat would refresh it
        invalidate()
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        took = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (new: {summary}) in {took:.1f}s."))
        if not created["tickets"]:
            self.stdout.write("The demo's ticket history exists already: nothing added.")
        self._sign_in()

    def _rules(self) -> int:
        before = RoutingRule.objects.count()
        if RoutingRule.objects.filter(name="route_critical_to_senior").exists():
            return 0
        import_rules(text=RULES.read_text(encoding="utf-8"))
        return RoutingRule.objects.count() - before

    def _sign_in(self) -> None:
        self.stdout.write(f"Sign in at /accounts/login/ with password {DEMO_PASSWORD}:")
        self.stdout.write(f"  manager (dashboard, every team): {MANAGER[0]}")
        for team in TEAMS:
            agents = ", ".join(username for username, _ in team.agents)
            self.stdout.write(f"  agents of {team.name}: {agents}")
        requesters = ", ".join(email for email, _ in NAMED_REQUESTERS)
        self.stdout.write(f"  requesters (portal, own tickets): {requesters} and 294 more")
        self.stdout.write("  admin: python manage.py demo_admin prints its own account")
