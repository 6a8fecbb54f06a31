"""Editing a ticket's properties from its page (priority, urgency, impact, category, type,
team): the rule of who may, then ``update_ticket`` (audit row, ``ticket.updated``, the SLA
re-targeted and routing run by their subscribers)."""

from django.db import transaction

from core.exceptions import NotPermitted
from tickets.actions.access import may_edit_properties
from tickets.actions.updates import update_ticket
from tickets.models import Ticket
from tickets.selectors import lock_ticket

PROPERTY_FIELDS = frozenset({"priority", "urgency", "impact", "category", "type", "team"})


@transaction.atomic
def edit_properties(*, ticket_id, actor, changes: dict) -> Ticket:
    """Only the fields that differ are passed on, so an unchanged form writes nothing. A team
    set to None sends the ticket back to routing (routing.subscribers routes a ticket without
    one)."""
    ticket = lock_ticket(ticket_id)
    if not may_edit_properties(actor, ticket):
        raise NotPermitted("Only the owner, an agent of the ticket's team, a manager or an admin.")
    different = {
        name: value
        for name, value in changes.items()
        if name not in PROPERTY_FIELDS or _current(ticket, name) != value
    }
    if not different:
        return ticket
    return update_ticket(ticket_id=ticket_id, actor=actor, changes=different)


def _current(ticket: Ticket, name: str):
    return ticket.team if name == "team" else getattr(ticket, name)
