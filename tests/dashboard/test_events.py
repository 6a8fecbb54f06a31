"""The dashboard hears every ticket's domain events from the outbox, after commit and in the
order they happened, and sends them with the payload of API.md ("Live dashboard websocket") to
the managers' group and the ticket's team group only. With REDIS_URL set these run on the
Redis channel layer, without it on the in-memory one: both modes keep the order."""

from datetime import timedelta

import pytest
from django.db import transaction

from dashboard import realtime
from routing.actions import route
from sla.actions import scan
from tests import factories
from tests.sla.factories import PolicyFactory
from tickets.actions import creation, lifecycle, ownership, updates
from tickets.events import summary

pytestmark = pytest.mark.django_db

ALL = realtime.ALL_TEAMS_GROUP


def new_ticket(actor, **overrides):
    values = {
        "title": "VPN keeps dropping",
        "requester_email": "ann@customer.example",
        "category": "network",
        "priority": "high",
    }
    return creation.create_ticket(actor=actor, data=creation.NewTicket(**(values | overrides)))


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

    commit(updates.update_ticket, actor=manager, changes={"priority": "high"})
    commit(updates.update_ticket, actor=manager, changes={"priority": "high"})
    commit(ownership.accept_ticket, actor=agent)
    commit(lifecycle.wait_ticket, actor=agent)
    commit(lifecycle.resume_ticket, actor=agent)
    commit(ownership.transfer_ownership, actor=manager, to_user=other, reason="agent_terminated")
    commit(lifecycle.resolve_ticket, actor=other, resolution="Rebooted.")

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


def test_a_routed_tickets_events_arrive_in_the_order_they_happened(
    listen, manager, team, django_capture_on_commit_callbacks
):
    """ticket.created first (the ticket as it was: no team yet, so only the managers see it),
    then ticket.assigned when routing gives it its team. No sorting: the order is the test."""
    managers, network = listen(ALL), listen(realtime.team_group(team.pk))
    with django_capture_on_commit_callbacks(execute=True):
        ticket = new_ticket(manager)  # no team: routed after commit (network matches)
    ticket.refresh_from_db()
    assert ticket.team == team

    events = managers.events()
    assert [(e["type"], e["ticket"]["team"]) for e in events] == [
        ("ticket.created", None),
        ("ticket.assigned", {"id": str(team.pk), "name": team.name}),
    ]
    assert events[0]["at"] <= events[1]["at"]
    assert [e["type"] for e in network.events()] == ["ticket.assigned"]

    # A re-route that finds no better team changes nothing visible but still says so.
    with django_capture_on_commit_callbacks(execute=True):
        route.route_ticket(ticket_id=ticket.pk, reroute=True)
    assert [e["type"] for e in managers.events()] == ["ticket.assigned"]


@pytest.mark.django_db(transaction=True)
def test_the_order_holds_when_each_change_commits_for_real(listen, manager, team):
    """No test transaction around it: create_ticket commits, routing runs after that commit
    and commits its own change, as in production. The routed ticket's ticket.assigned must
    not overtake its ticket.created."""
    managers = listen(ALL)
    ticket = new_ticket(manager)
    assert [(e["type"], e["ticket"]["id"]) for e in managers.events()] == [
        ("ticket.created", str(ticket.pk)),
        ("ticket.assigned", str(ticket.pk)),
    ]


def test_one_tickets_events_keep_their_order_across_a_chain_of_actions(
    listen, manager, agent, team, django_capture_on_commit_callbacks
):
    """Everything one request sets off (created, routed, a rule raising the priority) comes
    out in the order it was recorded, each event showing the ticket at its own moment."""
    from routing.actions.config import import_rules

    import_rules(
        text="""
- name: vpn_is_urgent
  trigger: {event: ticket.created, conditions: [{title: {contains: vpn}}]}
  actions: [{type: set_priority, value: critical}, {type: assign, to: team:network}]
"""
    )
    managers = listen(ALL)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = new_ticket(manager, priority="low")
    with django_capture_on_commit_callbacks(execute=True):
        ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    events = managers.events()
    assert [(e["type"], e["ticket"]["priority"], e["ticket"]["status"]) for e in events] == [
        ("ticket.created", "low", "new"),
        ("ticket.assigned", "critical", "new"),  # routed: team and priority set together
        ("ticket.assigned", "critical", "in_progress"),  # accepted
    ]


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
            scan.scan(now=T0 + timedelta(minutes=minutes))
    events = network.events()
    assert [(e["type"], e["ticket"]["id"]) for e in events] == [
        ("sla.warning", str(ticket.pk)),
        ("sla.breached", str(ticket.pk)),
    ]


def test_a_broken_channel_layer_never_breaks_the_write(
    manager, team, settings, caplog, django_capture_on_commit_callbacks
):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    ticket = factories.TicketFactory(team=team)
    with django_capture_on_commit_callbacks(execute=True):
        queued = realtime.send_event(event_type="ticket.updated", ticket=summary(ticket), at="now")
        assert queued == 2 and "Could not send" not in caplog.text  # waiting for the commit
    assert "Could not send" in caplog.text  # the send after the commit failed, logged only


def test_unknown_event_types_are_refused(team):
    ticket = factories.TicketFactory(team=team)
    with pytest.raises(ValueError):
        realtime.send_event(event_type="ticket.exploded", ticket=summary(ticket), at="now")


def test_envelope_events_also_reach_the_team_asked(
    listen, agent, team, other_team, django_capture_on_commit_callbacks
):
    from escalations.actions import envelopes

    ticket = factories.TicketFactory(team=team)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    managers, experts = listen(ALL), listen(realtime.team_group(other_team.pk))
    with django_capture_on_commit_callbacks(execute=True):
        envelopes.open_envelope(ticket_id=ticket.pk, actor=agent, team=other_team, reason="DB")

    assert [e["type"] for e in managers.events()] == ["ticket.updated", "envelope.created"]
    [event] = experts.events()  # the ticket's own status change stays with its team
    assert (event["type"], event["ticket"]["status"]) == ("envelope.created", "escalated")
