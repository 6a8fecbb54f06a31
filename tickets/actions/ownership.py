"""Ownership: an agent accepts a ticket and owns it until it is resolved; only a manager or an
admin hands it to another agent, and only because its owner has left or is away."""

from django.db import models, transaction
from django.utils import timezone

from core.audit import record_audit
from core.display import display_name
from core.exceptions import DomainValidationError, NotPermitted, OwnershipLocked
from core.roles import is_manager_or_admin, is_staff_role
from tickets.actions.access import is_agent_of_team
from tickets.actions.journal import record_system_entry
from tickets.events import TICKET_ASSIGNED, publish_ticket_event
from tickets.guards import owner_write_allowed
from tickets.lifecycle import TicketStatus, ensure_transition
from tickets.models import Ticket
from tickets.priority import score_of
from tickets.selectors import lock_ticket


class TransferReason(models.TextChoices):
    AGENT_TERMINATED = "agent_terminated", "Agent terminated"
    AGENT_ON_EXTENDED_LEAVE = "agent_on_extended_leave", "Agent on extended leave"


@transaction.atomic
def accept_ticket(*, ticket_id, actor) -> Ticket:
    """The actor becomes the owner. Of concurrent accepts exactly one wins: the row lock makes
    the others wait, and they then find the owner set."""
    ticket = lock_ticket(ticket_id)
    if ticket.owner_id is not None:
        raise OwnershipLocked(f"Ticket {ticket.reference} is already owned.")
    if not (is_manager_or_admin(actor) or is_agent_of_team(actor, ticket)):
        raise NotPermitted("Only an agent of the ticket's team may accept it.")
    ensure_transition(ticket.status, TicketStatus.IN_PROGRESS)
    previous = ticket.status
    ticket.status = TicketStatus.IN_PROGRESS
    ticket.accepted_at = timezone.now()
    ticket.priority_score = score_of(ticket)
    with owner_write_allowed():
        ticket.owner = actor
        ticket.save()
    record_system_entry(ticket=ticket, content=f"Accepted by {display_name(actor)}.", actor=actor)
    record_audit(actor=actor, action="ticket.accepted", ticket=ticket, data={"owner": actor.pk})
    publish_ticket_event(
        TICKET_ASSIGNED,
        ticket=ticket,
        actor=actor,
        changed={"owner": [None, actor.pk], "status": [previous, ticket.status]},
        reason="accepted",
    )
    return ticket


@transaction.atomic
def transfer_ownership(*, ticket_id, actor, to_user, reason: str) -> Ticket:
    """Hand an owned ticket to another agent, only because its owner has left or is away."""
    if not is_manager_or_admin(actor):
        raise NotPermitted("Only a manager or an admin may transfer ownership.")
    if reason not in TransferReason.values:
        raise DomainValidationError(
            {"reason": [f"Must be one of: {', '.join(TransferReason.values)}."]}
        )
    if not (to_user.is_active and is_staff_role(to_user)):
        raise DomainValidationError({"to": ["The new owner must be an active agent."]})
    ticket = lock_ticket(ticket_id)
    if ticket.owner_id is None:
        raise DomainValidationError({"non_field_errors": ["The ticket has no owner to replace."]})
    if ticket.status == TicketStatus.CLOSED:
        raise DomainValidationError({"non_field_errors": ["A closed ticket is not transferred."]})
    if ticket.owner_id == to_user.pk:
        raise DomainValidationError({"to": ["This agent already owns the ticket."]})
    previous = ticket.owner
    with owner_write_allowed():
        ticket.owner = to_user
        ticket.save()
    why = reason.replace("_", " ")
    record_system_entry(
        ticket=ticket,
        content=(
            f"Ownership transferred from {display_name(previous)} to {display_name(to_user)} "
            f"({why})."
        ),
        actor=actor,
    )
    record_audit(
        actor=actor,
        action="ticket.transferred",
        ticket=ticket,
        data={"from": previous.pk, "to": to_user.pk, "reason": reason},
    )
    publish_ticket_event(
        TICKET_ASSIGNED,
        ticket=ticket,
        actor=actor,
        changed={"owner": [previous.pk, to_user.pk]},
        reason=reason,
    )
    return ticket
