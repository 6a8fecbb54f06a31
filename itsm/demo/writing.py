"""How the demo writes history in bulk: rows inserted with the times they carry (not "now"),
many at a time. Only the demo uses this; everything else writes through the owning app's
actions, whose rows the demo reproduces field for field."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import models

from core.models import AuditLog

BATCH = 500


@contextmanager
def given_times(*model_classes: type[models.Model]) -> Iterator[None]:
    """While open, the models' ``auto_now`` / ``auto_now_add`` fields keep the value a row
    carries: a ticket created 60 days ago says so. Restored on exit, whatever happens."""
    switched = [
        (field, field.auto_now, field.auto_now_add)
        for model in model_classes
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    for field, _, _ in switched:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def insert(model: type[models.Model], rows: Iterable[models.Model]) -> int:
    """Insert the rows as they are (times included), a batch at a time; returns how many."""
    rows = list(rows)
    with given_times(model):
        model.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def audit_row(at, action: str, *, actor_id=None, ticket_id=None, data: dict) -> AuditLog:
    """An audit row as core.audit.record_audit writes it (a ticket's rows are filed under the
    ticket), at the instant it happened."""
    return AuditLog(
        at=at,
        actor_id=actor_id,
        action=action,
        ticket_id=ticket_id,
        object_type="ticket" if ticket_id is not None else "",
        object_id=str(ticket_id) if ticket_id is not None else "",
        data=data,
    )
