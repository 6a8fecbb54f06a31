"""What every ticket action leaves behind besides its change: a system entry on the timeline
and the audit row, in the action's transaction."""

from core import inserts
from core.audit import as_user
from tickets.models import Ticket, TimelineEntry


def _system_entry(ticket: Ticket, content: str, author) -> TimelineEntry:
    return TimelineEntry(
        ticket=ticket,
        type=TimelineEntry.Type.SYSTEM,
        visibility=TimelineEntry.Visibility.INTERNAL,
        author=author,
        content=content,
    )


def record_system_entry(*, ticket: Ticket, content: str, actor=None) -> TimelineEntry:
    """An internal system line on the ticket's timeline (who did it, when, what)."""
    # Now, or with the rows of an inserts.together() block (the creating one).
    return inserts.add(_system_entry(ticket, content, as_user(actor)))


def record_system_entries(*, entries: list[tuple[Ticket, str]], actor=None) -> None:
    """System lines on many (locked) tickets, ``(ticket, content)`` each, in one statement;
    each ticket's lines keep the order given."""
    author = as_user(actor)
    inserts.insert_many(_system_entry(ticket, content, author) for ticket, content in entries)
