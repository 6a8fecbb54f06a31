"""What every ticket action leaves behind besides its change: a system entry on the timeline
and the audit row, in the action's transaction."""

from core.audit import as_user
from tickets.models import Ticket, TimelineEntry


def record_system_entry(*, ticket: Ticket, content: str, actor=None) -> TimelineEntry:
    """An internal system line on the ticket's timeline (who did it, when, what)."""
    return TimelineEntry.objects.create(
        ticket=ticket,
        type=TimelineEntry.Type.SYSTEM,
        visibility=TimelineEntry.Visibility.INTERNAL,
        author=as_user(actor),
        content=content,
    )


def record_system_entries(*, entries: list[tuple[Ticket, str]], actor=None) -> None:
    """System lines on many (locked) tickets, ``(ticket, content)`` each, in one statement;
    each ticket's lines keep the order given."""
    author = as_user(actor)
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            ticket=ticket,
            type=TimelineEntry.Type.SYSTEM,
            visibility=TimelineEntry.Visibility.INTERNAL,
            author=author,
            content=content,
        )
        for ticket, content in entries
    )
