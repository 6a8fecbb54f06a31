from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from org.models import AgentProfile, Team
from tickets.models import Contact, Ticket

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "teams": Team.objects.count(),
        "agents": AgentProfile.objects.count(),
        "contacts": Contact.objects.count(),
        "tickets": Ticket.objects.count(),
        "statuses": Counter(Ticket.objects.values_list("status", flat=True)),
    }


def test_seed_demo_builds_a_believable_desk():
    output = seed()
    assert "Demo data ready" in output
    state = snapshot()
    assert state["teams"] == 5
    assert state["agents"] == 11  # ten agents and a manager
    assert state["tickets"] == 36
    assert set(state["statuses"]) == {"new", "in_progress", "waiting", "resolved", "closed"}
    # Teams on at least three continents: the Americas, Europe, Asia-Pacific.
    longitudes = list(Team.objects.values_list("longitude", flat=True))
    assert min(longitudes) < -30 and any(-30 < x < 40 for x in longitudes) and max(longitudes) > 60
    # Every ticket past "new" has an owner from its own team.
    for ticket in Ticket.objects.exclude(status="new").select_related("owner", "team"):
        assert ticket.owner.agent_profile.teams.filter(pk=ticket.team_id).exists()


def test_seed_demo_is_idempotent():
    seed()
    first = snapshot()
    output = seed()
    assert snapshot() == first
    assert "0 teams, 0 agents, 0 requesters, 0 tickets" in output


def test_demo_admin_is_created_once_and_prints_credentials():
    out = StringIO()
    call_command("demo_admin", stdout=out)
    call_command("demo_admin", stdout=out)
    text = out.getvalue()
    assert text.count("Created the demo admin") == 1
    assert "password: admin-demo-2026" in text
