"""What the requester portal (and the new-ticket page) writes in one go: a ticket with its
files, a reply with its files. Every file is checked first (tickets.uploads), so a refused
file leaves nothing behind: no ticket, no entry, no stored file."""

from collections.abc import Sequence

from django.db import transaction

from core.exceptions import DomainValidationError
from tickets.actions.attachments import add_attachment
from tickets.actions.creation import NewTicket, create_ticket
from tickets.actions.timeline import add_timeline_entry
from tickets.models import Ticket, TimelineEntry
from tickets.uploads import check_uploads

PUBLIC = TimelineEntry.Visibility.PUBLIC
MAX_FILES = 10


def _check(uploads: Sequence) -> None:
    if len(uploads) > MAX_FILES:
        raise DomainValidationError({"file": [f"At most {MAX_FILES} files at once."]})
    check_uploads(uploads)


@transaction.atomic
def file_ticket(*, actor, data: NewTicket, uploads: Sequence = ()) -> Ticket:
    """Open a ticket (tickets.actions.creation) and attach the files, public."""
    _check(uploads)
    ticket = create_ticket(actor=actor, data=data)
    for upload in uploads:
        add_attachment(ticket_id=ticket.pk, actor=actor, upload=upload, visibility=PUBLIC)
    return ticket


@transaction.atomic
def reply_with_files(
    *, ticket_id, actor, content: str, uploads: Sequence = (), visibility: str = PUBLIC
) -> TimelineEntry | None:
    """A reply (tickets.actions.timeline) and its files, of the same visibility. Files alone
    are a reply too; neither text nor files is refused."""
    _check(uploads)
    if not content.strip() and not uploads:
        raise DomainValidationError({"content": ["Write a reply or attach a file."]})
    entry = None
    if content.strip():
        entry = add_timeline_entry(
            ticket_id=ticket_id,
            actor=actor,
            type=TimelineEntry.Type.NOTE,
            visibility=visibility,
            content=content,
        )
    for upload in uploads:
        add_attachment(ticket_id=ticket_id, actor=actor, upload=upload, visibility=visibility)
    return entry
