"""A ``social_media`` flag upgrades the ticket's SLA: its clock runs on the next stricter
policy than the one it matches (sla.policies.PolicyBook.stricter), due times replayed from the
start, for as long as the flag stays; removing the flag moves the clock back. The clock
remembers it (``SLAClock.upgraded``), so a later re-target (a new priority, category, tier)
keeps the upgrade."""

from datetime import datetime

from django.db import transaction

from core.audit import record_audit
from sla import selectors
from sla.actions.clocks import follow_change, start_clock
from sla.models import SLAClock
from tickets.selectors import lock_ticket


@transaction.atomic
def set_upgrade(*, ticket_id, upgraded: bool, at: datetime | None = None) -> SLAClock:
    """Upgrade the ticket's clock (or take the upgrade back), once: a clock already so is left
    as it is."""
    ticket = lock_ticket(ticket_id)
    clock = selectors.lock_clock(ticket.pk) or start_clock(ticket_id=ticket.pk, at=at)
    if clock.upgraded == upgraded:
        return clock
    SLAClock.objects.filter(pk=clock.pk).update(upgraded=upgraded)
    action = "sla.upgraded" if upgraded else "sla.upgrade_removed"
    record_audit(actor=None, action=action, ticket=ticket.pk, data={"cause": "social_media"})
    return follow_change(ticket_id=ticket.pk, fields={"upgraded"}, at=at)
