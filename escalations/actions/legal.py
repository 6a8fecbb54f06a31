"""A ``legal`` flag brings the legal team in: an envelope to the team ``ITSM_LEGAL_TEAM`` names
(tickets.actions.flags checked it exists before the flag was set), opened for whoever set the
flag. Unlike an owner's envelope it needs no owner: a new ticket gets its envelope too, and is
escalated once accepted (escalations.subscribers)."""

from django.db import transaction

from escalations.actions.envelopes import _audit, _publish, _sync
from escalations.events import ENVELOPE_CREATED
from escalations.lifecycle import OPEN_ENVELOPE_STATUSES
from escalations.models import Envelope
from tickets.actions.flags import legal_team, legal_team_missing
from tickets.actions.timeline import add_system_note, add_thread_entry
from tickets.models import TimelineEntry
from tickets.selectors import lock_ticket


@transaction.atomic
def open_legal_envelope(*, ticket_id, actor, note: str = "") -> Envelope | None:
    """The legal team's envelope on the ticket, once: while one is open, it is the one.
    Returns None (with a line on the timeline) when the legal team has gone since."""
    ticket = lock_ticket(ticket_id)
    team = legal_team()
    if team is None:
        add_system_note(
            ticket_id=ticket.pk, content=f"No legal envelope opened: {legal_team_missing()}"
        )
        return None
    current = Envelope.objects.filter(
        ticket=ticket, team=team, status__in=OPEN_ENVELOPE_STATUSES
    ).first()
    if current is not None:
        return current
    reason = "Flagged legal" + (f": {note}" if note else ".")
    envelope = Envelope.objects.create(ticket=ticket, requested_by=actor, team=team, reason=reason)
    add_thread_entry(
        ticket_id=ticket.pk,
        envelope=envelope,
        actor=actor,
        type=TimelineEntry.Type.ENVELOPE_REQUEST,
        content=reason,
    )
    add_system_note(
        ticket_id=ticket.pk, content=f"Envelope opened for {envelope.target_label}.", actor=actor
    )
    _audit(envelope, actor, "envelope.opened", team=team.slug, cause="legal_flag")
    ticket = _sync(ticket_id=ticket.pk, actor=actor)
    _publish(ENVELOPE_CREATED, envelope, ticket=ticket, actor=actor)
    return envelope
