"""What escalations does when a ticket changes: a resolved ticket's open envelopes are
cancelled (their threads stay readable); a reopened ticket with an envelope still open is
escalated again; a ticket flagged ``legal`` gets an envelope to the legal team, and a ticket
accepted with an envelope open is escalated."""

from django.contrib.auth import get_user_model

from core.subscriptions import Event, subscribe
from escalations.actions.envelopes import cancel_open_envelopes
from escalations.actions.legal import open_legal_envelope
from escalations.selectors import has_open_envelopes
from tickets.actions.lifecycle import sync_escalation
from tickets.events import (
    TICKET_ASSIGNED,
    TICKET_FLAGGED,
    TICKET_RESOLVED,
    TICKET_UPDATED,
    TicketEvent,
)
from tickets.lifecycle import TicketStatus
from tickets.models import CaseFlag


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


@subscribe(TICKET_FLAGGED, name="escalations.legal_flag")
def open_for_legal_flag(event: Event) -> None:
    change = TicketEvent.of(event)
    if change.data.get("kind") != CaseFlag.Kind.LEGAL:
        return
    actor = get_user_model().objects.filter(pk=change.actor_id).first() if change.actor else None
    open_legal_envelope(ticket_id=change.ticket_id, actor=actor, note=change.data.get("note", ""))


@subscribe(TICKET_ASSIGNED, name="escalations.follow_accept")
def follow_accept(event: Event) -> None:
    """An envelope opened before anyone owned the ticket (a legal flag) escalates it once it
    is accepted."""
    change = TicketEvent.of(event)
    status = change.changed.get("status")
    if status == [TicketStatus.NEW, TicketStatus.IN_PROGRESS] and has_open_envelopes(
        change.ticket_id
    ):
        sync_escalation(ticket_id=change.ticket_id, actor=None, envelopes_open=True)
