"""The KPI snapshot against known data; a constant number of queries; cached and invalidated
by events."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard import kpis
from escalations.actions import envelopes
from sla.models import SLAClock
from tests import factories
from tickets.actions import creation, lifecycle, ownership, timeline

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


def create(actor, team, priority="medium", **extra):
    data = creation.NewTicket(
        title="Something broke",
        requester_email="r@customer.example",
        team=team,
        priority=priority,
        **extra,
    )
    return creation.create_ticket(actor=actor, data=data)


@pytest.fixture
def desk(manager, agent, team):
    """Team network (capacity 10) and apps (capacity 4), an inactive team without tickets,
    and tickets moved through the services at known times."""
    team.max_bandwidth = 10
    team.save()
    apps = factories.TeamFactory(slug="apps", name="Apps", max_bandwidth=4)
    factories.TeamFactory(slug="old", name="Old", status="inactive")
    with time_machine.travel(NOW - timedelta(days=1, hours=2), tick=False) as clock:
        t7 = create(manager, apps)  # yesterday: the oldest not accepted
        clock.move_to(NOW - timedelta(hours=3))
        t1 = create(manager, team, "critical")
        t2 = create(manager, team, "low")
        t3 = create(manager, team, "high")
        t4, t5, t6 = (create(manager, team) for _ in range(3))
        t8 = factories.TicketFactory(team=None)  # no team yet (written without its event)
        clock.shift(timedelta(minutes=30))
        for ticket in (t3, t4, t5, t6):
            ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
            timeline.add_timeline_entry(  # the first response: 30 min after creation
                ticket_id=ticket.pk, actor=agent, type="note", visibility="public", content="On it"
            )
        clock.shift(timedelta(minutes=30))
        lifecycle.wait_ticket(ticket_id=t4.pk, actor=agent)
        envelopes.open_envelope(ticket_id=t3.pk, actor=agent, team=apps, reason="DB")
        clock.shift(timedelta(hours=1))
        for ticket in (t5, t6):  # resolved 2 h after creation
            lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Fixed.")
    SLAClock.objects.filter(ticket=t1).update(state="warning")
    SLAClock.objects.filter(ticket__in=[t2, t5]).update(state="breached")  # t5 is resolved
    return {"network": team, "apps": apps, "oldest": t7, "unassigned": t8}


def test_the_whole_desk(desk):
    data = kpis.compute(now=NOW)

    assert data["generated_at"] == NOW.isoformat()
    assert data["scope"] == "all"
    assert data["open"] == {
        "total": 6,
        "by_status": {"new": 4, "in_progress": 0, "escalated": 1, "waiting": 1},
        "by_priority": {"critical": 1, "high": 1, "medium": 3, "low": 1},
        "unassigned": 1,
    }
    assert data["teams"] == [
        {
            "id": str(desk["apps"].pk),
            "name": "Apps",
            "status": "active",
            "open": 1,
            "capacity": 4,
            "load": 0.25,
        },
        {
            "id": str(desk["network"].pk),
            "name": desk["network"].name,
            "status": "active",
            "open": 4,
            "capacity": 10,
            "load": 0.4,
        },
    ]  # the inactive team without open tickets is left out
    assert data["sla"] == {"at_risk": 1, "breached": 1}  # the resolved breach is not counted
    assert data["today"] == {"created": 7, "resolved": 2}
    assert data["averages"] == {
        "window_hours": 24,
        "first_response_minutes": 30.0,
        "resolution_hours": 2.0,
    }
    oldest = desk["oldest"]
    assert data["oldest_unaccepted"] == {
        "id": str(oldest.pk),
        "reference": oldest.reference,
        "priority": "medium",
        "team": "Apps",
        "created_at": (NOW - timedelta(days=1, hours=2)).isoformat(),
        "age_minutes": 26 * 60.0,
    }
    assert data["envelopes"] == {"open": 1, "pending": 1, "active": 0}


def test_an_agents_view_is_narrowed_to_their_teams(desk):
    network = kpis.compute(team_ids=[desk["network"].pk], now=NOW)
    assert network["scope"] == "teams"
    assert network["open"]["total"] == 4
    assert network["open"]["unassigned"] == 0
    assert [t["name"] for t in network["teams"]] == [desk["network"].name]
    assert network["today"] == {"created": 6, "resolved": 2}
    assert network["sla"] == {"at_risk": 1, "breached": 1}
    assert network["oldest_unaccepted"]["reference"] != desk["oldest"].reference
    assert network["envelopes"]["open"] == 0  # one on its ticket, but asked of apps

    apps = kpis.compute(team_ids=[desk["apps"].pk], now=NOW)
    assert apps["open"]["total"] == 1
    assert apps["envelopes"]["open"] == 1  # asked of this team
    assert apps["today"] == {"created": 0, "resolved": 0}
    assert apps["averages"]["resolution_hours"] is None


def test_an_empty_desk():
    data = kpis.compute(now=NOW)
    assert data["open"]["total"] == 0
    assert data["teams"] == []
    assert data["oldest_unaccepted"] is None
    assert data["averages"]["first_response_minutes"] is None


def queries_for(count: int, team, manager) -> int:
    for ticket in factories.TicketFactory.create_batch(count, team=team):
        SLAClock.objects.filter(ticket=ticket).update(state="warning")
    with CaptureQueriesContext(connection) as captured:
        kpis.compute()
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_tickets(
    team, other_team, manager, django_assert_max_num_queries
):
    few = queries_for(5, team, manager)
    many = queries_for(45, other_team, manager)
    assert few == many
    with django_assert_max_num_queries(7):
        kpis.compute()
    with django_assert_max_num_queries(7):
        kpis.compute(team_ids=[team.pk, other_team.pk])


def test_cached_until_an_event_is_published(
    team, manager, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = kpis.snapshot()
    with django_assert_num_queries(0):
        assert kpis.snapshot() == first
    with django_capture_on_commit_callbacks(execute=True):
        create(manager, team)  # publishes ticket.created after commit
    assert kpis.snapshot()["open"]["total"] == first["open"]["total"] + 1


def test_scopes_are_cached_apart(team, other_team):
    factories.TicketFactory(team=team)
    assert kpis.snapshot()["open"]["total"] == 1
    assert kpis.snapshot(team_ids=[other_team.pk])["open"]["total"] == 0
    assert kpis.snapshot(team_ids=[team.pk])["open"]["total"] == 1
