"""The requester resolves their own ticket ("this article solved it"), along the machine's
edges only: from in progress or escalated straight to resolved; from waiting through in
progress (the requester's resume) first. A new ticket has no edge to resolved: nobody has
looked at it yet, so it is refused like any other move out of new."""

from django.db import transaction
from django.utils import timezone

from core.exceptions import DomainValidationError, NotPermitted
from tickets.actions.access import is_requester_of
from tickets.actions.status import move
from tickets.events import TICKET_RESOLVED
from tickets.lifecycle import TicketStatus
from tickets.models import Ticket
from tickets.selectors import lock_ticket

S = TicketStatus
SELF_RESOLVABLE = frozenset({S.IN_PROGRESS, S.ESCALATED, S.WAITING})


@transaction.atomic
def resolve_by_requester(*, ticket_id, actor, resolution: str) -> Ticket:
    if not resolution.strip():
        raise DomainValidationError({"resolution": ["Say what solved it."]})
    ticket = lock_ticket(ticket_id)
    if not is_requester_of(actor, ticket):
        raise NotPermitted("Only the ticket's requester resolves it this way.")
    if ticket.status == S.WAITING:
        ticket = move(ticket=ticket, actor=actor, target=S.IN_PROGRESS, note="Resumed.")
    ticket.resolution = resolution.strip()
    ticket.resolved_at = timezone.now()
    return move(
        ticket=ticket,
        actor=actor,
        target=S.RESOLVED,
        note="Resolved by the requester.",
        only_from=frozenset({S.IN_PROGRESS, S.ESCALATED}),
        event=TICKET_RESOLVED,
        resolution=ticket.resolution,
    )
