"""Status changes an agent (or the requester) asks for: wait, resume, resolve, reopen, close;
and ``escalated``, which follows the ticket's open envelopes (escalations asks)."""

from django.db import transaction
from django.utils import timezone

from core.exceptions import DomainValidationError
from tickets.actions.access import ensure_works_ticket, is_requester_of
from tickets.actions.status import move
from tickets.events import TICKET_RESOLVED
from tickets.lifecycle import InvalidTransition, TicketStatus
from tickets.models import Ticket
from tickets.selectors import lock_ticket

S = TicketStatus


@transaction.atomic
def wait_ticket(*, ticket_id, actor, reason: str = "") -> Ticket:
    """Waiting on the requester (the SLA clock pauses). The reason is the desk's own note;
    what the requester must do goes in a public reply."""
    ticket = lock_ticket(ticket_id)
    ensure_works_ticket(actor, ticket)
    note = "Waiting on the requester." + (f" {reason}" if reason else "")
    return move(ticket=ticket, actor=actor, target=S.WAITING, note=note)


@transaction.atomic
def resume_ticket(*, ticket_id, actor) -> Ticket:
    ticket = lock_ticket(ticket_id)
    if not is_requester_of(actor, ticket):
        ensure_works_ticket(actor, ticket)
    return move(
        ticket=ticket,
        actor=actor,
        target=S.IN_PROGRESS,
        note="Resumed.",
        only_from=frozenset({S.WAITING}),
    )


@transaction.atomic
def resolve_ticket(*, ticket_id, actor, resolution: str) -> Ticket:
    """Resolve (from in progress or escalated: the open envelopes of an escalated ticket are
    cancelled by escalations when it hears of the resolution)."""
    if not resolution.strip():
        raise DomainValidationError({"resolution": ["Say how the ticket was resolved."]})
    ticket = lock_ticket(ticket_id)
    ensure_works_ticket(actor, ticket)
    ensure_resolvable(ticket)
    ticket.resolution = resolution.strip()
    ticket.resolved_at = timezone.now()
    return move(
        ticket=ticket,
        actor=actor,
        target=S.RESOLVED,
        note="Resolved.",
        event=TICKET_RESOLVED,
        resolution=ticket.resolution,
    )


def ensure_resolvable(ticket: Ticket) -> None:
    if ticket.status not in (S.IN_PROGRESS, S.ESCALATED):
        raise InvalidTransition(ticket.status, S.RESOLVED)


@transaction.atomic
def reopen_ticket(*, ticket_id, actor, reason: str = "") -> Ticket:
    ticket = lock_ticket(ticket_id)
    if not is_requester_of(actor, ticket):
        ensure_works_ticket(actor, ticket)
    if ticket.status != S.RESOLVED:
        raise InvalidTransition(ticket.status, S.IN_PROGRESS)
    ticket.resolved_at = None
    note = "Reopened." + (f" {reason}" if reason else "")
    return move(ticket=ticket, actor=actor, target=S.IN_PROGRESS, note=note)


@transaction.atomic
def close_ticket(*, ticket_id, actor) -> Ticket:
    ticket = lock_ticket(ticket_id)
    if not is_requester_of(actor, ticket):
        ensure_works_ticket(actor, ticket)
    if ticket.status != S.RESOLVED:
        raise InvalidTransition(ticket.status, S.CLOSED)
    ticket.closed_at = timezone.now()
    return move(ticket=ticket, actor=actor, target=S.CLOSED, note="Closed.")


@transaction.atomic
def sync_escalation(*, ticket_id, actor, envelopes_open: bool) -> Ticket:
    """``escalated`` is derived: an in-progress ticket with a pending or active envelope is
    escalated, an escalated one without any goes back in progress. Escalations says which,
    after each envelope change; other statuses (waiting, resolved, closed) stay as they are."""
    ticket = lock_ticket(ticket_id)
    if envelopes_open and ticket.status == S.IN_PROGRESS:
        note = "Escalated: an envelope is open."
        return move(ticket=ticket, actor=actor, target=S.ESCALATED, note=note)
    if not envelopes_open and ticket.status == S.ESCALATED:
        note = "No envelope is open any more: back in progress."
        return move(ticket=ticket, actor=actor, target=S.IN_PROGRESS, note=note)
    return ticket
