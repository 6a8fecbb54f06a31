"""The envelope status machine, as pure data and functions (no ORM).

pending --accept--> active --complete--> completed
pending|active --cancel--> cancelled
Anything else is an InvalidTransition (the API answers 409).
"""

from django.db import models

from core.exceptions import DomainError, InvalidTransition

__all__ = [
    "ENVELOPE_TRANSITIONS",
    "OPEN_ENVELOPE_STATUSES",
    "EnvelopeClosed",
    "EnvelopeOfFinishedTicket",
    "EnvelopeStatus",
    "InvalidEnvelopeTransition",
    "ensure_envelope_transition",
]


class EnvelopeClosed(DomainError):
    """A write to the thread of a completed or cancelled envelope (the API answers 409)."""


class InvalidEnvelopeTransition(InvalidTransition):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(current, target, kind="envelope")
        self.args = (f"An envelope cannot go from '{current}' to '{target}'.",)


class EnvelopeOfFinishedTicket(InvalidEnvelopeTransition):
    """The envelope's ticket is resolved or closed: its envelope is not started or completed,
    even while it still reads pending or active (escalations cancels it only once it hears of
    the resolve, after the commit). The API answers 409."""

    def __init__(self, ticket_status: str, current: str, target: str) -> None:
        super().__init__(current, target)
        self.ticket_status = ticket_status
        self.args = (
            f"The ticket is {ticket_status}: its envelope cannot go from '{current}' "
            f"to '{target}'.",
        )


class EnvelopeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


E = EnvelopeStatus
ENVELOPE_TRANSITIONS: dict[str, frozenset[str]] = {
    E.PENDING: frozenset({E.ACTIVE, E.CANCELLED}),
    E.ACTIVE: frozenset({E.COMPLETED, E.CANCELLED}),
    E.COMPLETED: frozenset(),
    E.CANCELLED: frozenset(),
}

# While any envelope of a ticket is in one of these, the ticket is `escalated`.
OPEN_ENVELOPE_STATUSES = frozenset({E.PENDING, E.ACTIVE})


def ensure_envelope_transition(current: str, target: str) -> None:
    if target not in ENVELOPE_TRANSITIONS.get(current, frozenset()):
        raise InvalidEnvelopeTransition(current, target)
