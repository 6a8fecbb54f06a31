"""The SLA clock of a ticket follows the ticket's events (sla.actions.clocks): started when it
is created, paused, stopped and run again as its status moves (at the time each move
happened), re-targeted when priority, type or category change (whoever changed them: an agent,
an integration or a routing rule), met by the first public staff reply, upgraded to the next
stricter policy while the ticket is flagged ``social_media`` (sla.actions.upgrades)."""

from core.subscriptions import Event, subscribe
from sla.actions.clocks import (
    RETARGET_FIELDS,
    follow_changes,
    follow_status,
    note_activity,
    start_clocks,
)
from sla.actions.upgrades import set_upgrade
from tickets.events import (
    CAUSE_ROUTING,
    TICKET_ASSIGNED,
    TICKET_CREATED,
    TICKET_ENTRY_ADDED,
    TICKET_FLAGGED,
    TICKET_RESOLVED,
    TICKET_ROUTED,
    TICKET_UNFLAGGED,
    TICKET_UPDATED,
    TicketEvent,
)
from tickets.models import CaseFlag, TimelineEntry

NOT_DESCRIPTIVE = frozenset({"status", "owner"})
REPLY_TYPES = frozenset({TimelineEntry.Type.NOTE, TimelineEntry.Type.EMAIL})


@subscribe(TICKET_CREATED, name="sla.start_clock", batch=True)
def start(events: list[Event]) -> None:
    # A batch: a burst of new tickets (core.waves) starts its clocks in a few statements.
    starts = [(TicketEvent.of(event).ticket_id, event.occurred_at) for event in events]
    start_clocks(starts=starts)


@subscribe(
    TICKET_UPDATED, TICKET_ROUTED, TICKET_ASSIGNED, TICKET_RESOLVED, name="sla.follow", batch=True
)
def follow(events: list[Event]) -> None:
    # A wave holds one event per ticket: each ticket's status move runs before its field
    # changes, as one by one; the field changes of a routed batch go together.
    changes = []
    for event in events:
        change = TicketEvent.of(event)
        status = change.changed.get("status")
        if status:
            follow_status(ticket_id=change.ticket_id, status=status[1], at=event.occurred_at)
        fields = set(change.changed) - NOT_DESCRIPTIVE
        if event.name == TICKET_ROUTED or change.data.get("cause") == CAUSE_ROUTING:
            fields &= RETARGET_FIELDS  # routing's own changes are no activity on the ticket
        if fields:
            changes.append((change.ticket_id, fields, event.occurred_at))
    follow_changes(changes=changes)


@subscribe(TICKET_ENTRY_ADDED, name="sla.entries")
def note_entry(event: Event) -> None:
    change = TicketEvent.of(event)
    data = change.data
    first_response = (
        data["visibility"] == TimelineEntry.Visibility.PUBLIC
        and data["type"] in REPLY_TYPES
        and data["by_staff"]
        and not data["by_requester"]
    )
    note_activity(ticket_id=change.ticket_id, at=event.occurred_at, first_response=first_response)


@subscribe(TICKET_FLAGGED, TICKET_UNFLAGGED, name="sla.flags")
def follow_flag(event: Event) -> None:
    change = TicketEvent.of(event)
    if change.data.get("kind") == CaseFlag.Kind.SOCIAL_MEDIA:
        upgraded = event.name == TICKET_FLAGGED
        set_upgrade(ticket_id=change.ticket_id, upgraded=upgraded, at=event.occurred_at)
