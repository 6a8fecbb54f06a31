"""/api/v1/analytics/...: managers and admins only; figures against known data; CSV exports;
a constant number of queries."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from notifications.models import SatisfactionRating
from sla.models import SLAClock
from tests import factories
from tests.dashboard.factories import DecisionFactory
from tickets.actions import creation, lifecycle, ownership
from tickets.actions.compose import compose_entry

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
ENDPOINTS = (
    "/api/v1/analytics/dashboard/",
    "/api/v1/analytics/trends/",
    "/api/v1/analytics/team-performance/",
    "/api/v1/analytics/routing-outcomes/",
    "/api/v1/analytics/time-spent/",
)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def as_csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
def test_managers_and_admins_only(api, path, manager, admin_user, agent, requester):
    assert api.get(path).status_code == 401
    for user, expected in ((agent, 403), (requester, 403), (manager, 200), (admin_user, 200)):
        api.force_authenticate(user)
        response = api.get(path)
        assert response.status_code == expected, user
        if expected == 403:
            assert list(response.json()["errors"]) == ["non_field_errors"]
        api.force_authenticate(None)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_errors_stay_json_when_csv_is_asked_for(api, path, agent):
    api.force_authenticate(agent)
    response = api.get(path, {"format": "csv"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "errors" in response.json()


@pytest.mark.parametrize("days", ["0", "366", "many"])
def test_the_window_is_validated(api, manager, days):
    api.force_authenticate(manager)
    response = api.get("/api/v1/analytics/trends/", {"days": days})
    assert response.status_code == 400
    assert "days" in response.json()["errors"]


# --- figures -------------------------------------------------------------------------------


def test_dashboard_snapshot_and_its_csv(api, manager, team, frozen):
    factories.TicketFactory.create_batch(2, team=team, priority="high")
    api.force_authenticate(manager)
    data = api.get("/api/v1/analytics/dashboard/").json()
    assert data["open"]["total"] == 2
    assert data["open"]["by_priority"]["high"] == 2
    assert data["teams"][0]["open"] == 2

    rows = {
        row["metric"]: row["value"]
        for row in as_csv(api.get("/api/v1/analytics/dashboard/", {"format": "csv"}))
    }
    assert rows["open.total"] == "2"
    assert rows["open.by_priority.high"] == "2"
    assert rows[f"team.{team.name}.open"] == "2"
    assert rows["sla.breached"] == "0"
    assert rows["averages.resolution_hours"] == ""  # none yet


def test_trends(api, manager, agent, team, frozen):
    frozen.move_to(datetime(2026, 2, 20, 9, tzinfo=UTC))
    old = factories.TicketFactory(team=team)  # before the window; resolved inside it
    frozen.move_to(datetime(2026, 3, 2, 9, tzinfo=UTC))
    early = factories.TicketFactory.create_batch(2, team=team)
    for ticket in (*early, old):
        ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    frozen.move_to(datetime(2026, 3, 3, 9, tzinfo=UTC))
    lifecycle.resolve_ticket(ticket_id=early[0].pk, actor=agent, resolution="Done.")
    frozen.move_to(NOW)
    factories.TicketFactory(team=team)
    lifecycle.resolve_ticket(ticket_id=old.pk, actor=agent, resolution="Done.")

    api.force_authenticate(manager)
    response = api.get("/api/v1/analytics/trends/", {"days": 3})
    assert response.status_code == 200
    assert response.json() == {
        "days": 3,
        "series": [
            {"date": "2026-03-02", "created": 2, "resolved": 0},
            {"date": "2026-03-03", "created": 0, "resolved": 1},
            {"date": "2026-03-04", "created": 1, "resolved": 1},
        ],
    }
    assert api.get("/api/v1/analytics/trends/").json()["days"] == 30
    rows = as_csv(api.get("/api/v1/analytics/trends/", {"days": 3, "format": "csv"}))
    assert rows == [
        {"date": "2026-03-02", "created": "2", "resolved": "0"},
        {"date": "2026-03-03", "created": "0", "resolved": "1"},
        {"date": "2026-03-04", "created": "1", "resolved": "1"},
    ]


def test_team_performance(api, manager, agent, team, frozen):
    factories.TeamFactory(slug="quiet", name="=Quiet team")  # a formula-like name
    frozen.move_to(datetime(2026, 3, 2, 10, tzinfo=UTC))
    data = {"title": "Broken", "requester_email": "r@customer.example", "team": team}
    n1, n2, n3, n4 = (
        creation.create_ticket(actor=manager, data=creation.NewTicket(**data)) for _ in range(4)
    )
    for ticket in (n1, n2, n4):
        ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    frozen.shift(timedelta(hours=2))
    lifecycle.resolve_ticket(ticket_id=n1.pk, actor=agent, resolution="Done.")  # 2 h
    frozen.shift(timedelta(hours=2))
    lifecycle.resolve_ticket(ticket_id=n2.pk, actor=agent, resolution="Done.")
    lifecycle.reopen_ticket(ticket_id=n2.pk, actor=agent, reason="Not fixed")
    frozen.shift(timedelta(hours=1))
    lifecycle.resolve_ticket(ticket_id=n2.pk, actor=agent, resolution="Now.")  # 5 h
    SLAClock.objects.filter(ticket=n1).update(state="met")
    SLAClock.objects.filter(ticket=n2).update(state="breached")
    SatisfactionRating.objects.create(ticket=n1, contact=n1.requester, rating=5)
    SatisfactionRating.objects.create(ticket=n2, contact=n2.requester, rating=3)
    frozen.move_to(NOW)

    api.force_authenticate(manager)
    response = api.get("/api/v1/analytics/team-performance/", {"days": 30})
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["teams"]}
    assert rows[team.name] == {
        "id": str(team.pk),
        "name": team.name,
        "status": "active",
        "created": 4,
        "resolved": 2,
        "open": 2,
        "resolved_per_day": 0.07,
        "avg_resolution_hours": 3.5,
        "sla_met": 1,
        "sla_breached": 1,
        "sla_compliance_rate": 0.5,
        "csat_average": 4.0,
        "csat_responses": 2,
        "reopened": 1,
        "reopen_rate": 0.5,
        "time_spent_minutes": 0,
    }
    assert rows["=Quiet team"]["created"] == 0
    assert rows["=Quiet team"]["sla_compliance_rate"] is None

    exported = as_csv(api.get("/api/v1/analytics/team-performance/", {"format": "csv"}))
    by_name = {row["name"]: row for row in exported}
    assert by_name[team.name]["avg_resolution_hours"] == "3.5"
    assert by_name[team.name]["csat_average"] == "4.0"
    assert "'=Quiet team" in by_name  # never a formula in a spreadsheet
    assert by_name["'=Quiet team"]["sla_compliance_rate"] == ""
    assert n3.status == "new"


def test_routing_outcomes(api, manager, team, frozen):
    rerouted = factories.TicketFactory(team=team)
    DecisionFactory(method="rule", confidence=1.0)
    DecisionFactory(method="rule", confidence=0.8)
    DecisionFactory(ticket=rerouted, method="scoring", confidence=0.6, event="ticket.updated")
    DecisionFactory(method="none", confidence=0.0, team=None)
    frozen.move_to(NOW - timedelta(days=40))
    DecisionFactory(method="scoring", confidence=0.9)  # outside the window
    frozen.move_to(NOW)

    api.force_authenticate(manager)
    data = api.get("/api/v1/analytics/routing-outcomes/", {"days": 30}).json()
    assert data["decisions"] == 4
    assert data["rules_share"] == 0.5
    assert data["scoring_share"] == 0.25
    assert data["average_confidence"] == 0.6
    assert (data["reroutes"], data["rerouted_tickets"]) == (1, 1)
    assert data["by_method"][0] == {
        "method": "rule",
        "decisions": 2,
        "share": 0.5,
        "average_confidence": 0.9,
        "reroutes": 0,
    }
    rows = as_csv(api.get("/api/v1/analytics/routing-outcomes/", {"format": "csv"}))
    assert [row["method"] for row in rows] == ["rule", "affinity", "scoring", "none"]
    assert rows[2] == {
        "method": "scoring",
        "decisions": "1",
        "share": "0.25",
        "average_confidence": "0.6",
        "reroutes": "1",
    }


# --- bounded queries -------------------------------------------------------------------------


def count_queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_queries_do_not_grow_with_data(api, manager, team, other_team, agent, path, frozen):
    api.force_authenticate(manager)

    def add(count: int) -> int:
        for index in range(count):
            ticket = factories.TicketFactory(team=team if index % 2 else other_team)
            DecisionFactory(ticket=ticket, method="rule" if index % 3 else "scoring")
            compose_entry(
                ticket_id=ticket.pk, actor=agent, visibility="internal", content="w", minutes=5
            )
            if index % 4 == 0:
                ownership.accept_ticket(ticket_id=ticket.pk, actor=manager)
                lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=manager, resolution="ok")
        from django.core.cache import cache

        cache.clear()
        return count_queries(api, path)

    few, many = add(5), add(45)
    assert few == many <= BOUNDS[path]


# The endpoint's aggregate queries, plus one for the caller's role (groups).
BOUNDS = {
    "/api/v1/analytics/dashboard/": 8,
    "/api/v1/analytics/trends/": 3,
    "/api/v1/analytics/team-performance/": 7,
    "/api/v1/analytics/routing-outcomes/": 3,
    "/api/v1/analytics/time-spent/": 2,
}
