"""Changing a ticket's descriptive fields: title, description, category, priority, urgency,
impact, type and team. Owner and status are not here: they have their own actions."""

from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import Role, is_staff_role, role_of
from org.models import Team
from tickets.actions.access import may_edit_properties
from tickets.events import TICKET_UPDATED, publish_ticket_event
from tickets.lifecycle import TicketStatus
from tickets.models import Ticket
from tickets.priority import score_of
from tickets.selectors import lock_ticket

UPDATABLE_FIELDS = frozenset(
    {"title", "description", "category", "priority", "urgency", "impact", "type", "team"}
)


@transaction.atomic
def update_ticket(*, ticket_id, actor, changes: dict) -> Ticket:
    """The ticket's owner, an agent of its team, a manager or an admin (an expert who sees the
    ticket through an envelope or a task helps on it and does not re-route or re-prioritise
    it); integration keys too (a source's update event changes the ticket it created). A new
    priority, type or category re-targets the SLA clock (sla hears ``ticket.updated``); a
    ticket left without a team is routed again."""
    if not (is_staff_role(actor) or role_of(actor) == Role.INTEGRATION):
        raise NotPermitted("Only agents, managers and admins edit tickets.")
    refused = sorted(set(changes) - UPDATABLE_FIELDS)
    if refused:
        raise DomainValidationError(
            {name: ["This field cannot be changed here."] for name in refused}
        )
    ticket = lock_ticket(ticket_id)
    if role_of(actor) != Role.INTEGRATION and not may_edit_properties(actor, ticket):
        raise NotPermitted(
            "Only the owner, an agent of the ticket's team, a manager or an admin edit it."
        )
    if ticket.status == TicketStatus.CLOSED:
        raise DomainValidationError({"non_field_errors": ["A closed ticket cannot be edited."]})
    before = {name: _plain(getattr(ticket, name)) for name in changes}
    for name, value in changes.items():
        setattr(ticket, name, value)
    ticket.priority_score = score_of(ticket)
    ticket.save()
    changed = {
        name: [before[name], _plain(getattr(ticket, name))]
        for name in changes
        if before[name] != _plain(getattr(ticket, name))
    }
    if changed:
        record_audit(actor=actor, action="ticket.updated", ticket=ticket, data=changed)
        publish_ticket_event(TICKET_UPDATED, ticket=ticket, actor=actor, changed=changed)
    return ticket


def _plain(value):
    """A field's value as the audit row and the event keep it (a team by its id)."""
    if isinstance(value, Team):
        return str(value.pk)
    return value
