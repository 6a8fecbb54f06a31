"""Repeat contacts: a new ticket about an issue an earlier ticket of the same requester (or
company) already holds is linked to that ticket, the issue's original. The KB finds the match
(kb.repeats, after the new ticket's commit); this writes the link, a line on both timelines and
the audit row, and when the issue reaches ``ITSM_REPEAT_CONTACT_THRESHOLD`` contacts (the
original counts as the first) flags the original ``repeat_contact`` through the flag service:
its owner is told once (notifications), however many more contacts come."""

from django.conf import settings
from django.db import transaction

from core.audit import record_audit
from tickets.actions.flags import flag_ticket
from tickets.actions.journal import record_system_entry
from tickets.models import CaseFlag, RepeatContact, Ticket
from tickets.selectors import lock_tickets


def threshold() -> int:
    return max(2, int(getattr(settings, "ITSM_REPEAT_CONTACT_THRESHOLD", 3)))


def original_of(ticket_id) -> object:
    """The issue's original for a ticket: the one it repeats, or itself."""
    link = RepeatContact.objects.filter(ticket_id=ticket_id).values_list("original_id", flat=True)
    return link.first() or ticket_id


@transaction.atomic
def link_repeat(*, ticket_id, matched_id, score: float, matched_by: str) -> RepeatContact | None:
    """Link ``ticket_id`` to the issue ``matched_id`` belongs to (its original), once: a ticket
    already linked, or matched to itself, is left as it is. Returns the new link or None."""
    original_id = original_of(matched_id)
    tickets = lock_tickets([ticket_id, original_id])
    ticket, original = tickets[_pk(ticket_id)], tickets[_pk(original_id)]
    if ticket.pk == original.pk or RepeatContact.objects.filter(ticket=ticket).exists():
        return None
    if RepeatContact.objects.filter(original=ticket).exists():
        return None  # the new ticket is an original itself: issues are not merged here
    link = RepeatContact.objects.create(
        ticket=ticket, original=original, score=round(score, 4), matched_by=matched_by
    )
    contacts = 1 + RepeatContact.objects.filter(original=original).count()
    record_system_entry(
        ticket=ticket, content=f"Repeat contact about {original.reference} (same issue)."
    )
    record_system_entry(
        ticket=original,
        content=f"{ticket.reference} is a repeat contact about this issue ({contacts} contacts).",
    )
    record_audit(
        actor=None,
        action="ticket.repeat_linked",
        ticket=ticket,
        data={"original": str(original.pk), "score": link.score, "matched_by": matched_by},
    )
    if contacts >= threshold():
        note = f"{contacts} contacts about this issue."
        flag_ticket(ticket=original, actor=None, kind=CaseFlag.Kind.REPEAT_CONTACT, note=note)
    return link


def _pk(value) -> object:
    return Ticket._meta.pk.to_python(value)
