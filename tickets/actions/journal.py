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
