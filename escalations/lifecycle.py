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
