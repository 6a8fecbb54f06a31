"""The audit writer: every action records who did what, in the transaction of the change."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from core import inserts
from core.models import AuditLog


def as_user(actor):
    """The actor as a user row, or None for the system, anonymous callers and integrations."""
    return actor if isinstance(actor, get_user_model()) else None


def record_audit(*, actor, action: str, ticket=None, data: dict) -> AuditLog:
    """One row. ``ticket`` (a ticket or its id) files the row under that ticket's history;
    an integration key is recorded by name, since it is no user."""
    row = AuditLog(**_fields(actor, action, getattr(ticket, "pk", ticket), data))
    return inserts.add(row)  # now, or with the rows of an inserts.together() block


def _fields(actor, action: str, ticket_id, data: dict) -> dict:
    if actor is not None and as_user(actor) is None and getattr(actor, "api_key", None):
        data = {**data, "integration": str(actor)}
    return {
        "actor": as_user(actor),
        "action": action,
        "ticket_id": ticket_id,
        "object_type": "ticket" if ticket_id is not None else "",
        "object_id": str(ticket_id) if ticket_id is not None else "",
        "data": data,
    }


@dataclass(frozen=True)
class AuditRow:
    """One row of a bulk write (the SLA scan records many crossings at once, routing a batch
    of tickets). ``actor`` as for record_audit; None is the system."""

    action: str
    ticket_id: object = None
    data: dict = field(default_factory=dict)
    actor: object = None


def record_audit_rows(rows: Iterable[AuditRow]) -> None:
    """Many rows, in one statement, in the order given (ids follow it)."""
    inserts.insert_many(
        AuditLog(**_fields(row.actor, row.action, row.ticket_id, row.data)) for row in rows
    )
