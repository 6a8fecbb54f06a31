"""The one place a ticket's status changes: along an edge of the machine (tickets.lifecycle),
with the priority score derived again (escalated tickets weigh more), a system entry, an audit
row and the event, in the caller's transaction on the locked ticket."""

from core.audit import record_audit
from tickets.actions.journal import record_system_entry
from tickets.events import TICKET_UPDATED, publish_ticket_event
from tickets.lifecycle import InvalidTransition, ensure_transition
from tickets.models import Ticket
from tickets.priority import score_of


def move(
    *,
    ticket: Ticket,
    actor,
    target: str,
    note: str,
    only_from: frozenset[str] | None = None,
    event: str = TICKET_UPDATED,
    **event_data,
) -> Ticket:
    """Move along one edge; ``only_from`` narrows it to the calling action's edge (resume
    leaves waiting, reopen leaves resolved: neither is a way out of new)."""
    if only_from is not None and ticket.status not in only_from:
        raise InvalidTransition(ticket.status, target)
    ensure_transition(ticket.status, target)
    previous = ticket.status
    ticket.status = target
    ticket.priority_score = score_of(ticket)
    ticket.save()
    record_system_entry(ticket=ticket, content=note, actor=actor)
    record_audit(
        actor=actor,
        action=f"ticket.{target}",
        ticket=ticket,
        data={"from": previous, "to": target},
    )
    publish_ticket_event(
        event, ticket=ticket, actor=actor, changed={"status": [previous, target]}, **event_data
    )
    return ticket
