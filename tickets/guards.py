"""The owner of a ticket is written only by tickets.actions (accept, transfer).

Services open ``owner_write_allowed()`` around their write; Ticket.save and the Ticket queryset's
update() refuse any owner change made outside it, whichever door it comes through.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from core.exceptions import DomainError


class OwnerChangeRefused(DomainError):
    """Raised by the model layer when the owner is written outside tickets.actions."""


_owner_write_allowed: ContextVar[bool] = ContextVar("owner_write_allowed", default=False)


@contextmanager
def owner_write_allowed() -> Iterator[None]:
    token = _owner_write_allowed.set(True)
    try:
        yield
    finally:
        _owner_write_allowed.reset(token)


def owner_write_is_allowed() -> bool:
    return _owner_write_allowed.get()
