"""Satisfaction ratings: the requester rates a resolved ticket from a signed link."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError
from notifications.csat import InvalidCsatToken, read_token
from notifications.models import SatisfactionRating
from tickets.lifecycle import CLOSED_STATUSES
from tickets.models import Ticket

RATEABLE = CLOSED_STATUSES


def ticket_for_csat_token(token: str) -> Ticket:
    """The ticket a rating link is for. Raises InvalidCsatToken (or its ExpiredCsatToken)."""
    claim = read_token(token)
    try:
        ticket = (
            Ticket.objects.select_related("requester", "satisfaction")
            .filter(pk=claim.ticket_id, requester_id=claim.contact_id)
            .first()
        )
    except (ValidationError, ValueError):
        ticket = None
    if ticket is None:
        raise InvalidCsatToken("This rating link is not valid.")
    return ticket


@transaction.atomic
def rate_ticket(*, token: str, rating: int, comment: str = "") -> SatisfactionRating:
    """Store the requester's rating (1 to 5) from a signed link; rating again replaces it."""
    ticket = ticket_for_csat_token(token)
    if ticket.status not in RATEABLE:
        raise DomainValidationError({"non_field_errors": ["Only resolved tickets are rated."]})
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainValidationError({"rating": ["Choose a rating from 1 to 5."]})
    stored, created = SatisfactionRating.objects.update_or_create(
        ticket=ticket,
        defaults={"rating": rating, "comment": comment.strip(), "contact": ticket.requester},
    )
    record_audit(
        actor=None,
        action="ticket.csat_rated" if created else "ticket.csat_changed",
        ticket=ticket,
        data={"rating": rating},
    )
    return stored
