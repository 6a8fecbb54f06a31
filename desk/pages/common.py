"""What the page views share: role checks, the ticket queryset with what a row shows, the SLA
clocks of a row, and turning a domain error into an inline message with its HTTP status."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from core.exceptions import (
    DomainError,
    DomainValidationError,
    InvalidTransition,
    NotPermitted,
    OwnershipLocked,
)
from core.roles import Role, is_staff_role, role_of
from sla.selectors import sla_view
from tickets.models import Ticket
from tickets.selectors import visible_tickets


def require_role(user) -> Role:
    role = role_of(user)
    if role is None or role == Role.INTEGRATION:
        raise PermissionDenied("This account has no access to the service desk pages.")
    return role


def require_staff(user) -> None:
    if not is_staff_role(user):
        raise PermissionDenied("Only agents, managers and admins do this.")


def ticket_rows(user, *, listing: bool = False) -> QuerySet[Ticket]:
    """Visible tickets with everything a list row shows, in one query. ``listing``: for long
    lists (the agent's scope read first, tickets.selectors.visible_tickets; the long texts no
    row shows left out)."""
    tickets = visible_tickets(user, resolved=listing).select_related(
        "team", "owner", "requester", "sla_clock__policy"
    )
    return tickets.defer(*LONG_TEXTS) if listing else tickets


# Columns of a ticket no list row shows.
LONG_TEXTS = ("description", "resolution", "external_metadata")


def with_sla(tickets) -> list[Ticket]:
    """Attach what a page shows of each clock as ``sla`` (sla.selectors.sla_view; no query:
    the clock is joined), all evaluated at the same instant."""
    rows = list(tickets)
    now = timezone.now()
    for ticket in rows:
        ticket.sla = sla_view(ticket, now=now)
    return rows


def error_status(error: DomainError) -> int:
    if isinstance(error, InvalidTransition | OwnershipLocked):
        return 409
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, DomainValidationError):
        return 400
    return 409


def error_message(error: DomainError) -> str:
    if isinstance(error, DomainValidationError):
        return " ".join(" ".join(messages) for messages in error.errors.values())
    return str(error)
