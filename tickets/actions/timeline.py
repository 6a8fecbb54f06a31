"""Entries on a ticket's timeline: replies and notes from the desk and the requester, entries
that arrive from a source or by e-mail, an envelope's thread (for escalations), and notes the
system or another app adds. A requester's public reply resumes a waiting ticket."""

from django.db import transaction

from core.audit import as_user
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_staff_role
from tickets.actions.access import is_requester_of
from tickets.actions.journal import record_system_entry
from tickets.actions.status import move
from tickets.events import TICKET_ENTRY_ADDED, publish_ticket_event
from tickets.lifecycle import TicketStatus
from tickets.models import Ticket, TimelineEntry
from tickets.selectors import lock_ticket

V = TimelineEntry.Visibility
MAIN_VISIBILITIES = (V.PUBLIC, V.INTERNAL)


@transaction.atomic
def add_timeline_entry(
    *, ticket_id, actor, type: str, visibility: str, content: str, markdown: bool = False
) -> TimelineEntry:
    """A reply or note on the main timeline. Requesters write public entries on their own
    tickets only. ``markdown``: written in the composer, shown as sanitised Markdown."""
    if type not in (TimelineEntry.Type.NOTE, TimelineEntry.Type.EMAIL):
        raise DomainValidationError({"type": ["Must be 'note' or 'email'."]})
    if visibility not in MAIN_VISIBILITIES:
        raise DomainValidationError({"visibility": ["Must be 'public' or 'internal'."]})
    if not content.strip():
        raise DomainValidationError({"content": ["The entry is empty."]})
    ticket = lock_ticket(ticket_id)
    requester_reply = is_requester_of(actor, ticket)
    if requester_reply and visibility != V.PUBLIC:
        raise NotPermitted("Requesters may only post public entries.")
    if not requester_reply and not is_staff_role(actor):
        raise NotPermitted("Only the requester or staff may post on this ticket.")
    entry = TimelineEntry.objects.create(
        ticket=ticket,
        type=type,
        visibility=visibility,
        author=actor,
        content=content,
        markdown=markdown,
    )
    _after_entry(ticket, entry, actor=actor, requester_reply=requester_reply, imported=False)
    return entry


@transaction.atomic
def import_timeline_entry(
    *, ticket_id, type: str, visibility: str, content: str, author_contact=None, actor=None
) -> TimelineEntry:
    """An entry that arrived from outside (a source's comment or work note, an e-mail reply).
    No role check: the caller (integrations) has authenticated the source."""
    if visibility not in MAIN_VISIBILITIES:
        raise DomainValidationError({"visibility": ["Must be 'public' or 'internal'."]})
    ticket = lock_ticket(ticket_id)
    entry = TimelineEntry.objects.create(
        ticket=ticket,
        type=type,
        visibility=visibility,
        author_contact=author_contact,
        content=content,
    )
    requester_reply = (
        author_contact is not None
        and author_contact.pk == ticket.requester_id
        and visibility == V.PUBLIC
    )
    _after_entry(ticket, entry, actor=actor, requester_reply=requester_reply, imported=True)
    return entry


def _after_entry(ticket: Ticket, entry: TimelineEntry, *, actor, requester_reply, imported):
    """A requester's reply resumes a waiting ticket; any entry is activity (updated_at)."""
    if requester_reply and ticket.status == TicketStatus.WAITING:
        move(
            ticket=ticket,
            actor=actor,
            target=TicketStatus.IN_PROGRESS,
            note="The requester replied; resumed.",
        )
    else:
        ticket.save(update_fields=["updated_at"])
    publish_ticket_event(
        TICKET_ENTRY_ADDED,
        ticket=ticket,
        actor=actor,
        entry=str(entry.pk),
        type=entry.type,
        visibility=entry.visibility,
        by_requester=requester_reply,
        by_staff=entry.author_id is not None and is_staff_role(entry.author),
        imported=imported,
    )


@transaction.atomic
def add_thread_entry(*, ticket_id, envelope, actor, type: str, content: str) -> TimelineEntry:
    """An entry of an envelope's thread (visibility envelope_only): escalations decides who may
    write; the row is the ticket's."""
    ticket = lock_ticket(ticket_id)
    return TimelineEntry.objects.create(
        ticket=ticket,
        envelope=envelope,
        type=type,
        visibility=V.ENVELOPE_ONLY,
        author=as_user(actor),
        content=content,
    )


@transaction.atomic
def add_internal_note(*, ticket_id, actor, content: str) -> TimelineEntry:
    """An internal note another app writes for the desk (an envelope's summary, say)."""
    ticket = lock_ticket(ticket_id)
    return TimelineEntry.objects.create(
        ticket=ticket,
        type=TimelineEntry.Type.NOTE,
        visibility=V.INTERNAL,
        author=as_user(actor),
        content=content,
    )


@transaction.atomic
def add_system_note(*, ticket_id, content: str, actor=None) -> TimelineEntry:
    """A system line another app adds (a rule that could not notify, an envelope opened)."""
    return record_system_entry(ticket=lock_ticket(ticket_id), content=content, actor=actor)


def add_system_notes(*, notes: list[tuple[object, str]]) -> None:
    """Many system lines at once, ``(ticket_id, content)`` each, in one statement (the SLA
    scan's crossings). The caller holds the tickets' locks in its transaction."""
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            ticket_id=ticket_id,
            type=TimelineEntry.Type.SYSTEM,
            visibility=V.INTERNAL,
            content=content,
        )
        for ticket_id, content in notes
    )
