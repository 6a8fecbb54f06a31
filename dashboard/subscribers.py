"""The live dashboard hears the domain events of every ticket, in order, and puts the ones its
sockets show on the channel layer (dashboard.realtime), a batch of them at a time (core.waves);
each batch also marks the KPI snapshot stale."""

from django.db import transaction

from core.subscriptions import Event, subscribe
from dashboard import kpis, realtime
from escalations.events import ENVELOPE_COMPLETED, ENVELOPE_CREATED
from sla.events import SLA_BREACHED, SLA_WARNING
from tickets.events import (
    TICKET_ASSIGNED,
    TICKET_CREATED,
    TICKET_RESOLVED,
    TICKET_ROUTED,
    TICKET_UPDATED,
)

# Domain event -> what the dashboard's sockets receive (API.md, "Live dashboard websocket").
WIRE_TYPES = {
    TICKET_CREATED: realtime.TICKET_CREATED,
    TICKET_UPDATED: realtime.TICKET_UPDATED,
    TICKET_ASSIGNED: realtime.TICKET_ASSIGNED,
    TICKET_ROUTED: realtime.TICKET_ASSIGNED,
    TICKET_RESOLVED: realtime.TICKET_RESOLVED,
    ENVELOPE_CREATED: realtime.ENVELOPE_CREATED,
    ENVELOPE_COMPLETED: realtime.ENVELOPE_COMPLETED,
    SLA_WARNING: realtime.SLA_WARNING,
    SLA_BREACHED: realtime.SLA_BREACHED,
}


@subscribe(*WIRE_TYPES, name="dashboard.live", batch=True)
def show(events: list[Event]) -> None:
    # Once for the batch (a cache write each, a Redis round trip with a broker, bought nothing),
    # and after the commit: a snapshot taken between an earlier invalidation and the commit
    # would have been cached under the new version without the batch's changes.
    transaction.on_commit(kpis.invalidate)
    for event in events:
        _show(event)


def _show(event: Event) -> None:
    ticket = event.data["ticket"]
    if event.name == TICKET_ROUTED and ticket["team"] is None:
        return  # no team was found: nothing was assigned
    extra = []
    if event.name == ENVELOPE_CREATED and event.data["envelope"]["team"]:
        extra.append(event.data["envelope"]["team"]["id"])
    realtime.send_event(
        event_type=WIRE_TYPES[event.name],
        ticket=ticket,
        at=event.occurred_at.isoformat(),
        extra_team_ids=extra,
    )
