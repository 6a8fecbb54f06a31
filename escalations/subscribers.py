"""What escalations does when a ticket changes: a resolved ticket's open envelopes are
cancelled (their threads stay readable); a reopened ticket with an envelope still open is
escalated again."""

from core.subscriptions import Event, subscribe
from escalations.actions.envelopes import cancel_open_envelopes
from escalations.selectors import has_open_envelopes
from tickets.actions.lifecycle import sync_escalation
from tickets.events import TICKET_RESOLVED, TICKET_UPDATED, TicketEvent
from tickets.lifecycle import TicketStatus


@subscribe(TICKET_RESOLVED, name="escalations.close_on_resolve")
def close_on_resolve(event: Event) -> None:
    change = TicketEvent.of(event)
    cancel_open_envelopes(ticket_id=change.ticket_id, reason="The ticket was resolved.")


@subscribe(TICKET_UPDATED, name="escalations.follow_reopen")
def follow_reopen(event: Event) -> None:
    change = TicketEvent.of(event)
    status = change.changed.get("status")
    if status == [TicketStatus.RESOLVED, TicketStatus.IN_PROGRESS] and has_open_envelopes(
        change.ticket_id
    ):
        sync_escalation(ticket_id=change.ticket_id, actor=None, envelopes_open=True)
