"""What routing does when a ticket changes: a ticket without a team is routed (the rules of the
event, then scoring); on a ticket that has one, the event's rules run without moving it (a team
a person chose is kept); an SLA warning or breach runs its rules, which may move it. Routing
does not react to the changes it made itself. A wave of events (core.waves) is routed as one
batch."""

import uuid

from core.subscriptions import Event, subscribe
from routing import selectors
from routing.actions.route import RouteRequest, route_tickets
from routing.actions.rules import apply_rules
from routing.models import RoutingEvent
from tickets.events import (
    CAUSE_ROUTING,
    PRIORITY_DEFAULT,
    TICKET_CREATED,
    TICKET_UPDATED,
    TicketEvent,
)
from tickets.lifecycle import OPEN_STATUSES


@subscribe(TICKET_CREATED, TICKET_UPDATED, name="routing.route", batch=True)
def route_or_run_rules(events: list[Event]) -> None:
    """The tickets without a team are routed together (one per stream in a wave: shared reads,
    bulk writes); the rules of a ticket that has one run for it alone (rare)."""
    requests = []
    for event in events:
        change = TicketEvent.of(event)
        if (
            change.data.get("cause") == CAUSE_ROUTING
            or change.ticket["status"] not in OPEN_STATUSES
        ):
            continue
        if change.ticket["team"] is None:
            requests.append(
                RouteRequest(
                    ticket_id=change.ticket_id,
                    event=event.name,
                    guess_priority=change.data.get("priority_from") == PRIORITY_DEFAULT,
                )
            )
        elif selectors.rule_snapshots(event.name):
            apply_rules(ticket_id=change.ticket_id, event=event.name, assign=False)
    if requests:
        route_tickets(requests=requests)


@subscribe(RoutingEvent.SLA_WARNING, RoutingEvent.SLA_BREACHED, name="routing.sla_rules")
def run_sla_rules(event: Event) -> None:
    if not selectors.rule_snapshots(event.name):
        return
    apply_rules(
        ticket_id=uuid.UUID(event.data["ticket"]["id"]),
        event=event.name,
        facts={"sla.kind": event.data.get("kind", ""), "sla.policy": event.data.get("policy", "")},
    )
