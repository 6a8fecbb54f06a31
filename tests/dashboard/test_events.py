"""Every event source publishes through dashboard.realtime, after commit, with the payload of
API.md ("Live dashboard websocket"), to the managers' group and the ticket's team group only."""

from datetime import timedelta

import pytest
from django.db import transaction

from dashboard import realtime
from routing import services as routing_services
from sla import services as sla_services
from tests import factories
from tests.sla.factories import PolicyFactory
from tickets import services

pytestmark = pytest.mark.django_db

ALL = realtime.ALL_TEAMS_GROUP


def new_ticket(actor, **overrides):
    values = {
        "title": "VPN keeps dropping",
        "requester_email": "ann@customer.example",
        "category": "network",
        "priority": "high",
    }
    return services.create_ticket(actor=actor, data=services.NewTicket(**(values | overrides)))


def test_created_ticket_event_has_the_documented_payload(
    listen, manager, team, django_capture_on_commit_callbacks
):
    managers, network = listen(ALL), listen(realtime.team_group(team.pk))
    with django_capture_on_commit_callbacks(execute=True):
        ticket = new_ticket(manager, team=team)

    [event] = managers.events()
    assert set(event) == {"type", "ticket", "at"}
    assert event["type"] == "ticket.created"
    assert event["ticket"] == {
        "id": str(ticket.pk),
        "reference": ticket.reference,
        "status": "new",
        "priority": "high",
        "team": {"id": str(team.pk), "name": team.name},
        "owner": None,
    }
    assert event["at"].endswith("+00:00")
    assert network.events() == [event]


def test_nothing_is_sent_before_the_commit_or_after_a_rollback(listen, manager, team):
    managers = listen(ALL)
    with pytest.raises(RuntimeError), transaction.atomic():
        new_ticket(manager, team=team)
        assert managers.events() == []  # scheduled, not sent
        raise RuntimeError("roll back")
    assert managers.events() == []


def test_another_teams_event_never_reaches_a_team_group(
    listen, manager, team, other_team, django_capture_on_commit_callbacks
):
    network, apps = listen(realtime.team_group(team.pk)), listen(realtime.team_group(other_team.pk))
    with django_capture_on_commit_callbacks(execute=True):
        theirs = new_ticket(manager, team=other_team)
    assert network.events() == []
    assert [e["ticket"]["id"] for e in apps.events()] == [str(theirs.pk)]


def test_lifecycle_events(listen, manager, agent, team, django_capture_on_commit_callbacks):
    other = factories.AgentFactory(teams=[team])
    ticket = factories.TicketFactory(team=team, priority="medium")
    managers = listen(ALL)

    def commit(service, **kwargs):  # each service call commits on its own, as in production
        with django_capture_on_commit_callbacks(execute=True):
            service(ticket_id=ticket.pk, **kwargs)

    commit(services.update_ticket, actor=manager, changes={"priority": "high"})
    commit(services.update_ticket, actor=manager, changes={"priority": "high"})
    commit(services.accept_ticket, actor=agent)
    commit(services.wait_ticket, actor=agent)
    commit(services.resume_ticket, actor=agent)
    commit(services.transfer_ownership, actor=manager, to_user=other, reason="agent_terminated")
    commit(services.resolve_ticket, actor=other, resolution="Rebooted.")

    events = managers.events()
    assert [(e["type"], e["ticket"]["status"]) for e in events] == [
        ("ticket.updated", "new"),  # the second, unchanged update sends nothing
        ("ticket.assigned", "in_progress"),
        ("ticket.updated", "waiting"),
        ("ticket.updated", "in_progress"),
        ("ticket.assigned", "in_progress"),
        ("ticket.resolved", "resolved"),  # and no ticket.updated beside it
    ]
    assert events[1]["ticket"]["owner"] == {
        "id": agent.pk,
        "email": agent.email,
        "name": agent.get_full_name(),
    }
    assert events[4]["ticket"]["owner"]["email"] == other.email


def test_routing_a_ticket_announces_its_team(
    listen, manager, team, django_capture_on_commit_callbacks
):
    managers, network = listen(ALL), listen(realtime.team_group(team.pk))
    with django_capture_on_commit_callbacks(execute=True):
        ticket = new_ticket(manager)  # no team: routed after commit (network matches)
    ticket.refresh_from_db()
    assert ticket.team == team

    events = managers.events()
    assert sorted(e["type"] for e in events) == ["ticket.assigned", "ticket.created"]
    assert all(e["ticket"]["team"] == {"id": str(team.pk), "name": team.name} for e in events)
    assert sorted(e["type"] for e in network.events()) == ["ticket.assigned", "ticket.created"]

    # A re-route that finds no better team changes nothing visible but still says so.
    with django_capture_on_commit_callbacks(execute=True):
        routing_services.route_ticket(ticket_id=ticket.pk, reroute=True)
    assert [e["type"] for e in managers.events()] == ["ticket.assigned"]


def test_sla_warning_and_breach_events(listen, manager, team, django_capture_on_commit_callbacks):
    import time_machine

    from tests.sla.conftest import T0

    PolicyFactory(
        name="Network incidents",
        priority="medium",
        type="incident",
        category="network",
        first_response_minutes=60,
        resolution_minutes=240,
        warning_percent=75,
    )
    with time_machine.travel(T0, tick=False):
        ticket = new_ticket(manager, team=team, priority="medium")
    network = listen(realtime.team_group(team.pk))
    for minutes in (46, 66):  # the warning, then the breach
        with django_capture_on_commit_callbacks(execute=True):
            sla_services.scan(now=T0 + timedelta(minutes=minutes))
    events = network.events()
    assert [(e["type"], e["ticket"]["id"]) for e in events] == [
        ("sla.warning", str(ticket.pk)),
        ("sla.breached", str(ticket.pk)),
    ]


def test_a_broken_channel_layer_never_breaks_the_write(manager, team, settings, caplog):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    ticket = factories.TicketFactory(team=team)
    assert realtime.send_events("ticket.updated", [str(ticket.pk)]) == 0
    assert "Could not publish ticket.updated" in caplog.text


def test_unknown_event_types_are_refused():
    with pytest.raises(ValueError):
        realtime.publish(event_type="ticket.exploded", ticket_ids=["x"])


def test_envelope_events_also_reach_the_team_asked(
    listen, agent, team, other_team, django_capture_on_commit_callbacks
):
    from escalations import services as escalations

    ticket = factories.TicketFactory(team=team)
    services.accept_ticket(ticket_id=ticket.pk, actor=agent)
    managers, experts = listen(ALL), listen(realtime.team_group(other_team.pk))
    with django_capture_on_commit_callbacks(execute=True):
        escalations.open_envelope(ticket_id=ticket.pk, actor=agent, team=other_team, reason="DB")

    assert sorted(e["type"] for e in managers.events()) == ["envelope.created", "ticket.updated"]
    [event] = experts.events()  # the ticket's own status change stays with its team
    assert (event["type"], event["ticket"]["status"]) == ("envelope.created", "escalated")
