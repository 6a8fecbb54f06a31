"""Minutes logged in the composer, summed per agent and per team (team-performance and the
time-spent endpoint, JSON and CSV), by the team the ticket had when the time was logged."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from tests import factories
from tests.dashboard.test_api import as_csv
from tickets.actions.compose import compose_entry
from tickets.guards import owner_write_allowed

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def api():
    return APIClient()


def log(ticket, actor, minutes):
    compose_entry(
        ticket_id=ticket.pk, actor=actor, visibility="internal", content="work", minutes=minutes
    )


def test_sums_per_agent_and_team(api, manager, team, other_team, agent):
    kim = factories.AgentFactory(username="kim", first_name="Kim", last_name="Lee", teams=[team])
    factories.AgentProfileFactory(user=manager, teams=[team, other_team])
    first = factories.TicketFactory(team=team)
    second = factories.TicketFactory(team=other_team)
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        log(first, agent, 600)  # outside the 30-day window
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        log(first, agent, 15)
        log(first, agent, 30)
        log(first, kim, 20)
        log(second, manager, 45)
        with owner_write_allowed():
            type(first).objects.filter(pk=first.pk).update(team=other_team)
        log(first, kim, 10)  # after the transfer: the other team's time
    with time_machine.travel(NOW, tick=False):
        api.force_authenticate(manager)
        data = api.get("/api/v1/analytics/time-spent/", {"days": 30}).json()
        performance = api.get("/api/v1/analytics/team-performance/", {"days": 30}).json()
        exported = as_csv(api.get("/api/v1/analytics/time-spent/", {"format": "csv"}))
        team_csv = as_csv(api.get("/api/v1/analytics/team-performance/", {"format": "csv"}))

    assert data["total_minutes"] == 120
    agents = {row["username"]: row for row in data["agents"]}
    assert agents[agent.username]["minutes"] == 45 and agents[agent.username]["entries"] == 2
    assert agents["kim"]["name"] == "Kim Lee" and agents["kim"]["minutes"] == 30
    assert {t["name"]: t["minutes"] for t in agents["kim"]["teams"]} == {
        team.name: 20,
        other_team.name: 10,
    }
    assert {row["name"]: row["minutes"] for row in data["teams"]} == {
        team.name: 65,
        other_team.name: 55,
    }
    by_team = {row["name"]: row["time_spent_minutes"] for row in performance["teams"]}
    assert by_team == {team.name: 65, other_team.name: 55}
    assert {row["name"]: row["time_spent_minutes"] for row in team_csv} == {
        team.name: "65",
        other_team.name: "55",
    }
    kim_rows = sorted((row["team"], row["minutes"]) for row in exported if row["username"] == "kim")
    assert kim_rows == sorted([(team.name, "20"), (other_team.name, "10")])


def test_agents_and_requesters_may_not_read_it(api, agent, requester):
    api.force_authenticate(agent)
    assert api.get("/api/v1/analytics/time-spent/").status_code == 403
    api.force_authenticate(requester)
    assert api.get("/api/v1/analytics/time-spent/").status_code == 403


def test_an_empty_window_is_zero(api, manager):
    api.force_authenticate(manager)
    data = api.get("/api/v1/analytics/time-spent/", {"days": 7}).json()
    assert data == {"days": 7, "total_minutes": 0, "agents": [], "teams": []}
    assert api.get("/api/v1/analytics/time-spent/", {"days": 0}).status_code == 400
    empty = api.get("/api/v1/analytics/time-spent/", {"format": "csv"})
    assert empty["Content-Type"].startswith("text/csv")
    assert empty.content.decode() == "agent_id,username,name,team_id,team,minutes\r\n"
