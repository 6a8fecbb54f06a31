"""seed_demo: the lived-in desk a fresh clone shows (itsm.demo). One full seed for all of: the
counts, the ninety days it spreads over, what routing and the SLA clocks left on every ticket,
the dashboard's trends, and that a second run adds nothing; the same desk in another database
(a process of its own) for the same instant."""

import hashlib
import os
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from core.models import AuditLog
from core.roles import role_of
from dashboard import analytics, kpis
from org.models import AgentProfile, Team
from routing.models import AllocationDecision, RoutingRule
from sla.models import SLAClock
from tests.dashboard.server import manage, prepare_database
from tickets.lifecycle import OPEN_STATUSES
from tickets.models import Contact, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db
User = get_user_model()

AS_OF = (timezone.now() - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    """The key columns of every ticket, in reference order."""
    rows = Ticket.objects.order_by("reference").values_list(
        "reference", "title", "status", "category", "priority", "source", "team__slug",
        "requester__email", "owner__username",
    )  # fmt: skip
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


@pytest.fixture
def desk():
    return seed("--as-of", AS_OF.isoformat())


def _the_desk_has_its_people_and_three_thousand_tickets():
    assert Team.objects.count() == 8
    assert len(set(Team.objects.values_list("timezone", flat=True))) == 4
    agents = AgentProfile.objects.filter(user__groups__name="agent")
    assert agents.count() == 40
    assert Team.objects.annotate(n=Count("agents")).filter(n__lt=5).count() == 0
    assert Contact.objects.count() == 300
    assert Contact.objects.values("company").distinct().count() == 30
    assert 2700 <= Ticket.objects.count() <= 3300
    assert RoutingRule.objects.filter(name="route_critical_to_senior").exists()
    assert set(Ticket.objects.values_list("source", flat=True)) >= {
        "email", "portal", "api", "servicenow", "jira",
    }  # fmt: skip
    statuses = Counter(Ticket.objects.values_list("status", flat=True))
    assert set(statuses) == {"new", "in_progress", "waiting", "escalated", "resolved", "closed"}
    assert statuses["closed"] + statuses["resolved"] > 0.85 * sum(statuses.values())


def _the_history_spreads_over_ninety_days_busier_on_weekdays():
    created = list(Ticket.objects.values_list("created_at", flat=True))
    assert min(created) >= AS_OF - timedelta(days=90) and max(created) <= AS_OF
    weeks = {stamp.isocalendar()[:2] for stamp in created}
    assert len(weeks) >= 12
    weekdays = Counter(stamp.weekday() for stamp in created)
    assert weekdays[0] > 3 * weekdays[6]
    # Recent tickets are the open ones; the old ones are done.
    old = Ticket.objects.filter(created_at__lt=AS_OF - timedelta(days=30))
    assert old.filter(status__in=OPEN_STATUSES).count() < 0.03 * old.count()


def _every_ticket_was_routed_and_timed_as_the_actions_would():
    tickets = Ticket.objects.count()
    assert AllocationDecision.objects.values("ticket").distinct().count() == tickets
    assert SLAClock.objects.count() == tickets
    methods = Counter(AllocationDecision.objects.values_list("method", flat=True))
    assert methods["rule"] and methods["scoring"] and methods["affinity"]
    states = Counter(SLAClock.objects.values_list("state", flat=True))
    assert states["met"] and states["breached"]
    assert AuditLog.objects.filter(action="ticket.created").count() == tickets
    assert AuditLog.objects.filter(action="ticket.routed").count() == tickets
    # Nothing happened "now": the rows carry the times of their steps.
    assert not Ticket.objects.filter(created_at__gt=AS_OF).exists()
    assert not TimelineEntry.objects.filter(created_at__gt=AS_OF).exists()
    assert not AuditLog.objects.filter(at__gt=AS_OF, action__startswith="ticket.").exists()
    for ticket in Ticket.objects.exclude(status="new").select_related("owner", "team")[:300]:
        assert ticket.accepted_at and ticket.accepted_at >= ticket.created_at
        assert ticket.owner.agent_profile.teams.filter(pk=ticket.team_id).exists()
    for ticket in Ticket.objects.filter(status__in=("resolved", "closed"))[:300]:
        assert ticket.resolved_at > ticket.accepted_at and ticket.resolution


def _no_two_open_tickets_share_a_title():
    titles = list(Ticket.objects.filter(status__in=OPEN_STATUSES).values_list("title", flat=True))
    assert titles and len(titles) == len(set(titles))
    assert not any("#" in title for title in titles)


def _the_dashboard_shows_ninety_days_of_movement():
    series = analytics.trends(days=90, now=AS_OF)["series"]
    weekly_created = [sum(day["created"] for day in series[i : i + 7]) for i in range(0, 84, 7)]
    weekly_resolved = [sum(day["resolved"] for day in series[i : i + 7]) for i in range(0, 84, 7)]
    assert len(set(weekly_created)) >= 6 and len(set(weekly_resolved)) >= 6
    resolution_by_week = set()
    for weeks_back in range(0, 12, 2):
        teams = analytics.team_performance(days=7, now=AS_OF - timedelta(weeks=weeks_back))
        rates = [t["avg_resolution_hours"] for t in teams["teams"] if t["avg_resolution_hours"]]
        resolution_by_week.add(round(sum(rates) / len(rates), 1))
    assert len(resolution_by_week) >= 4
    performance = analytics.team_performance(days=90, now=AS_OF)["teams"]
    assert len({team["sla_compliance_rate"] for team in performance}) >= 4
    assert all(team["csat_responses"] for team in performance)
    decided = analytics.routing_outcomes(days=90, now=AS_OF)["decisions"]
    assert decided >= 0.97 * Ticket.objects.count()
    snapshot = kpis.compute()
    assert snapshot["open"]["total"] > 20 and snapshot["sla"]["breached"] >= 0


def _a_second_run_adds_nothing():
    before = (fingerprint(), AuditLog.objects.count(), TimelineEntry.objects.count())
    output = seed("--as-of", AS_OF.isoformat())
    assert "0 teams, 0 agents, 0 requesters, 0 rules, 0 articles, 0 tickets" in output
    assert "nothing added" in output
    assert (fingerprint(), AuditLog.objects.count(), TimelineEntry.objects.count()) == before


@pytest.mark.slow
def test_the_same_instant_gives_the_same_desk_in_another_database(tmp_path):
    seed("--tickets", "400", "--as-of", AS_OF.isoformat())
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
        "SECRET_KEY": "demo-determinism-test-key-00000000000000000000000000",
        "ENV_FILE": "",
    }
    prepare_database(env)  # a copy of the run's migrated template
    manage(env, "seed_demo", "--tickets", "400", "--as-of", AS_OF.isoformat())
    code = "from tests.itsm.test_demo import fingerprint; print(fingerprint())"
    assert manage(env, "shell", "-c", code).strip().splitlines()[-1] == fingerprint()


def _demo_accounts_sign_in():
    expected = {
        "maria.manager": "manager",
        "nina.network": "agent",
        "alice@acme.example": "requester",
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password("demo-pass-2026") and role_of(user) == role, username


def test_the_desk(desk):
    """One seed, everything a newcomer sees of it, then the same seed again (a seed takes
    15-20 s of the suite's time: one for all)."""
    _the_desk_has_its_people_and_three_thousand_tickets()
    _the_history_spreads_over_ninety_days_busier_on_weekdays()
    _every_ticket_was_routed_and_timed_as_the_actions_would()
    _no_two_open_tickets_share_a_title()
    _demo_accounts_sign_in()
    _the_dashboard_shows_ninety_days_of_movement()
    _a_second_run_adds_nothing()  # last: it seeds again
