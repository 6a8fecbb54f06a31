"""The agent's and requester's composer: one reply or note, written in Markdown, with its
files, the minutes the agent spent and the colleagues it mentions, all in one transaction.
Everything is checked before anything is written: a refused file, a bad number of minutes or
an empty entry leaves no row and no file behind."""

from dataclasses import dataclass, field

from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError
from core.roles import is_staff_role
from tickets.actions.attachments import add_attachment
from tickets.actions.timeline import MAIN_VISIBILITIES, add_timeline_entry
from tickets.events import TICKET_MENTIONED, publish_ticket_event
from tickets.mentions import mentioned_staff_ids
from tickets.models import Attachment, TimelineEntry, TimeSpent
from tickets.uploads import check_uploads
from tickets.worklog import MAX_MINUTES


@dataclass(frozen=True)
class Composed:
    entry: TimelineEntry | None
    attachments: list[Attachment] = field(default_factory=list)
    minutes: int | None = None
    mentioned: list[int] = field(default_factory=list)


def clean_minutes(value) -> int | None:
    """Minutes as typed: empty or 0 logs nothing; a whole number from 1 to a day's worth."""
    text = str(value if value is not None else "").strip()
    if text in ("", "0"):
        return None
    try:
        minutes = int(text)
    except ValueError as error:
        raise DomainValidationError({"minutes": ["Minutes are a whole number."]}) from error
    if minutes < 0:
        raise DomainValidationError({"minutes": ["Minutes cannot be negative."]})
    if minutes > MAX_MINUTES:
        raise DomainValidationError(
            {"minutes": [f"At most {MAX_MINUTES} minutes (a day) on one entry."]}
        )
    return minutes


@transaction.atomic
def compose_entry(
    *, ticket_id, actor, visibility: str, content: str, minutes=None, uploads=()
) -> Composed:
    """A reply (public) or note (internal, staff only). Files take the entry's visibility: a
    file on an internal note is internal. Minutes and mentions count for staff only."""
    uploads = list(uploads)
    staff = is_staff_role(actor)
    if visibility not in MAIN_VISIBILITIES:
        raise DomainValidationError({"visibility": ["Must be 'public' or 'internal'."]})
    logged = clean_minutes(minutes)
    if logged is not None and not staff:
        raise DomainValidationError({"minutes": ["Only the service desk logs time."]})
    written = bool((content or "").strip())
    if not written and not uploads:
        raise DomainValidationError({"content": ["Write something or attach a file."]})
    if logged is not None and not written:
        raise DomainValidationError({"content": ["Say what the time was spent on."]})
    check_uploads(uploads)
    entry = None
    if written:
        entry = add_timeline_entry(
            ticket_id=ticket_id,
            actor=actor,
            type=TimelineEntry.Type.NOTE,
            visibility=visibility,
            content=content,
            markdown=True,
        )
    files = [
        add_attachment(ticket_id=ticket_id, actor=actor, upload=upload, visibility=visibility)
        for upload in uploads
    ]
    if entry is None:
        return Composed(entry=None, attachments=files)
    if logged is not None:
        _log_time(entry, actor, logged)
    mentioned = [pk for pk in mentioned_staff_ids(content) if pk != actor.pk] if staff else []
    if mentioned:
        publish_ticket_event(
            TICKET_MENTIONED,
            ticket=entry.ticket,
            actor=actor,
            entry=str(entry.pk),
            visibility=visibility,
            mentioned=mentioned,
        )
    return Composed(entry=entry, attachments=files, minutes=logged, mentioned=mentioned)


def _log_time(entry: TimelineEntry, actor, minutes: int) -> TimeSpent:
    ticket = entry.ticket  # locked by add_timeline_entry in this transaction
    spent = TimeSpent.objects.create(
        ticket=ticket, entry=entry, agent=actor, team_id=ticket.team_id, minutes=minutes
    )
    record_audit(
        actor=actor,
        action="ticket.time_spent",
        ticket=ticket,
        data={"entry": str(entry.pk), "minutes": minutes, "team": str(ticket.team_id or "")},
    )
    return spent
