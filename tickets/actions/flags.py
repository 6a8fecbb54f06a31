"""Case flags (physical damage, social media, VIP, legal, repeat contact): set and removed by
the desk, or by a routing rule through tickets.actions.decisions."""

from django.db import transaction

from core.audit import as_user, record_audit
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_staff_role
from tickets.events import TICKET_FLAGGED, TICKET_UNFLAGGED, publish_ticket_event
from tickets.models import CaseFlag, Ticket
from tickets.selectors import lock_ticket


@transaction.atomic
def add_flag(*, ticket_id, actor, kind: str, note: str = "") -> CaseFlag:
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins flag tickets.")
    if kind not in CaseFlag.Kind.values:
        raise DomainValidationError({"kind": [f"Unknown flag '{kind}'."]})
    flag, _ = flag_ticket(ticket=lock_ticket(ticket_id), actor=actor, kind=kind, note=note)
    return flag


def flag_ticket(*, ticket: Ticket, actor, kind: str, note: str, data=None):
    """Set a flag on a locked ticket, once: the second time changes nothing and says nothing.
    Returns the flag and whether it is new."""
    flag, created = CaseFlag.objects.get_or_create(
        ticket=ticket, kind=kind, defaults={"note": note, "created_by": as_user(actor)}
    )
    if created:
        record_audit(
            actor=actor, action="ticket.flagged", ticket=ticket, data={"kind": kind, **(data or {})}
        )
        publish_ticket_event(TICKET_FLAGGED, ticket=ticket, actor=actor, kind=kind, note=note)
    return flag, created


@transaction.atomic
def remove_flag(*, ticket_id, actor, kind: str) -> None:
    if not is_staff_role(actor):
        raise NotPermitted("Only agents, managers and admins unflag tickets.")
    ticket = lock_ticket(ticket_id)
    deleted, _ = CaseFlag.objects.filter(ticket=ticket, kind=kind).delete()
    if deleted:
        record_audit(actor=actor, action="ticket.unflagged", ticket=ticket, data={"kind": kind})
        publish_ticket_event(TICKET_UNFLAGGED, ticket=ticket, actor=actor, kind=kind)


def new_flags(*, wanted: list[tuple[Ticket, str, str]], actor) -> list[tuple[Ticket, str, str]]:
    """``flag_ticket`` for many locked tickets, ``(ticket, kind, note)`` each, in one read and
    one insert (no query when nothing is wanted): each flag is set once. Returns the new ones
    in the order given; the caller records their audit rows and events with its own, in one
    statement each."""
    if not wanted:
        return []
    kinds = {kind for _, kind, _ in wanted}
    existing = CaseFlag.objects.filter(
        ticket_id__in={ticket.pk for ticket, _, _ in wanted}, kind__in=kinds
    ).values_list("ticket_id", "kind")
    seen = set(existing)
    new = []
    for ticket, kind, note in wanted:
        if (ticket.pk, kind) not in seen:
            seen.add((ticket.pk, kind))
            new.append((ticket, kind, note))
    by = as_user(actor)
    CaseFlag.objects.bulk_create(
        CaseFlag(ticket=ticket, kind=kind, note=note, created_by=by) for ticket, kind, note in new
    )
    return new
