"""Files on a ticket: uploaded by the desk or the requester, or arrived by e-mail. Stored
under our own name (tickets.models.attachment_path), served only through the visibility-checking
download view."""

import os
import unicodedata

from django.conf import settings
from django.db import transaction

from core.audit import as_user, record_audit
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_staff_role
from tickets.actions.access import is_requester_of
from tickets.actions.journal import record_system_entry
from tickets.models import Attachment, TimelineEntry
from tickets.selectors import lock_ticket
from tickets.uploads import check_upload


def clean_filename(name: str) -> str:
    """The last path part, without control characters, quotes or separators; never empty."""
    base = os.path.basename(name.replace("\\", "/"))
    kept = "".join(
        ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in '"<>:/\\|?*'
    ).strip(" .")
    return (kept or "attachment")[:200]


@transaction.atomic
def add_attachment(*, ticket_id, actor, upload, visibility: str) -> Attachment:
    """Store an uploaded file on a ticket. Requesters attach public files to their own tickets."""
    if visibility not in (TimelineEntry.Visibility.PUBLIC, TimelineEntry.Visibility.INTERNAL):
        raise DomainValidationError({"visibility": ["Must be 'public' or 'internal'."]})
    check_upload(upload)
    ticket = lock_ticket(ticket_id)
    requester_upload = is_requester_of(actor, ticket)
    if requester_upload and visibility != TimelineEntry.Visibility.PUBLIC:
        raise NotPermitted("Requesters may only attach public files.")
    if not requester_upload and not is_staff_role(actor):
        raise NotPermitted("Only the requester or staff may attach files to this ticket.")
    filename = clean_filename(upload.name or "")
    attachment = Attachment(
        ticket=ticket,
        filename=filename,
        content_type=(upload.content_type or "application/octet-stream")[:120],
        size=upload.size,
        visibility=visibility,
        uploaded_by=as_user(actor),
    )
    attachment.file.save(filename, upload, save=False)
    attachment.save()
    TimelineEntry.objects.create(
        ticket=ticket,
        type=TimelineEntry.Type.NOTE,
        visibility=visibility,
        author=as_user(actor),
        content=f"Attached {filename} ({upload.size} bytes).",
    )
    record_audit(
        actor=actor,
        action="ticket.attachment",
        ticket=ticket,
        data={"attachment": str(attachment.pk), "filename": filename},
    )
    return attachment


@transaction.atomic
def import_attachment(*, ticket_id, upload, visibility: str, via: str) -> Attachment | None:
    """A file that arrived from outside (an e-mail attachment). No role check (the caller
    authenticated the source); an oversized file is not stored, a system note says so."""
    ticket = lock_ticket(ticket_id)
    filename = clean_filename(upload.name or "")
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        record_system_entry(
            ticket=ticket, content=f"{filename} ({upload.size} bytes) from {via} was too large."
        )
        return None
    attachment = Attachment(
        ticket=ticket,
        filename=filename,
        content_type=(upload.content_type or "application/octet-stream")[:120],
        size=upload.size,
        visibility=visibility,
    )
    attachment.file.save(filename, upload, save=False)
    attachment.save()
    record_audit(
        actor=None,
        action="ticket.attachment",
        ticket=ticket,
        data={"attachment": str(attachment.pk), "filename": filename, "via": via},
    )
    return attachment
