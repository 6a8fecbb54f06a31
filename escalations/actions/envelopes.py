"""Envelopes: the owner brings experts in, in parallel, without giving the ticket away.

Each action is keyword-only and runs in one transaction: the ticket row is locked first
(tickets.selectors.lock_ticket), then the envelope row; the ticket's timeline entries and its
derived ``escalated`` status are written by the ticket's actions (asked here), the audit row in
the same transaction, and the envelope's event goes to the outbox (notifications tell the
experts and the owner, the dashboard shows it).

Envelope transitions (escalations.lifecycle): pending -> active (accept) -> completed
(complete); pending|active -> cancelled (cancel). Anything else: InvalidTransition (409).

A resolved ticket's open envelopes are cancelled when escalations hears of the resolve, after
its commit (tickets, the lower floor, cannot call up here). Until then they still read pending
or active, so accept, complete and the thread also read the ticket under its lock and refuse
work on a resolved or closed one (409); cancelling stays allowed, it is what follows anyway.
"""

from django.db import transaction
from django.utils import timezone

from core.audit import record_audit
from core.display import display_name
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import Role, is_manager_or_admin, is_staff_role, role_of
from escalations.events import (
    ENVELOPE_ACCEPTED,
    ENVELOPE_CANCELLED,
    ENVELOPE_COMPLETED,
    ENVELOPE_CREATED,
)
from escalations.lifecycle import (
    OPEN_ENVELOPE_STATUSES,
    EnvelopeClosed,
    EnvelopeOfFinishedTicket,
    EnvelopeStatus,
    ensure_envelope_transition,
)
from escalations.models import Envelope
from escalations.selectors import has_open_envelopes, lock_envelope, may_accept, visible_envelopes
from tickets.actions.lifecycle import sync_escalation
from tickets.actions.timeline import add_internal_note, add_system_note, add_thread_entry
from tickets.events import publish_ticket_event
from tickets.lifecycle import InvalidTransition, TicketStatus
from tickets.models import TimelineEntry
from tickets.selectors import lock_ticket

# An envelope may be opened while the owner works the ticket (or is already escalated).
ESCALATABLE = frozenset({TicketStatus.IN_PROGRESS, TicketStatus.ESCALATED})


@transaction.atomic
def open_envelope(*, ticket_id, actor, team=None, agent=None, reason: str) -> Envelope:
    """The owner brings a team and/or a named agent in. The owner does not change; the ticket
    becomes ``escalated``. Several envelopes may be open on one ticket."""
    if team is None and agent is None:
        raise DomainValidationError({"non_field_errors": ["Name a team, an agent, or both."]})
    if not reason.strip():
        raise DomainValidationError({"reason": ["Say what expertise is needed."]})
    if team is not None and not team.is_active:
        raise DomainValidationError({"team": ["The team is not active."]})
    if agent is not None and not (agent.is_active and role_of(agent) == Role.AGENT):
        raise DomainValidationError({"agent": ["Envelopes go to active agents only."]})
    ticket = lock_ticket(ticket_id)
    if ticket.owner_id is None or ticket.owner_id != actor.pk:
        raise NotPermitted("Only the ticket's owner opens envelopes.")
    if agent is not None and agent.pk == ticket.owner_id:
        raise DomainValidationError({"agent": ["The owner cannot escalate to themselves."]})
    if ticket.status not in ESCALATABLE:
        raise InvalidTransition(ticket.status, TicketStatus.ESCALATED)
    envelope = Envelope.objects.create(
        ticket=ticket, requested_by=actor, team=team, agent=agent, reason=reason.strip()
    )
    add_thread_entry(
        ticket_id=ticket.pk,
        envelope=envelope,
        actor=actor,
        type=TimelineEntry.Type.ENVELOPE_REQUEST,
        content=envelope.reason,
    )
    add_system_note(
        ticket_id=ticket.pk, content=f"Envelope opened for {envelope.target_label}.", actor=actor
    )
    _audit(envelope, actor, "envelope.opened", team=team and team.slug, agent=agent and agent.pk)
    ticket = sync_escalation(ticket_id=ticket.pk, actor=actor, envelopes_open=True)
    _publish(ENVELOPE_CREATED, envelope, ticket=ticket, actor=actor)
    return envelope


@transaction.atomic
def accept_envelope(*, envelope_id, actor) -> Envelope:
    """An agent of the envelope's team (or the named agent) takes it: pending -> active. Of
    concurrent accepts exactly one wins; the others get InvalidTransition."""
    envelope = _lock(envelope_id)
    if not may_accept(actor, envelope):
        raise NotPermitted("Only the named agent or an agent of the envelope's team accepts it.")
    ensure_envelope_transition(envelope.status, EnvelopeStatus.ACTIVE)
    _ensure_ticket_open(envelope, EnvelopeStatus.ACTIVE)
    envelope.status = EnvelopeStatus.ACTIVE
    envelope.assigned_to = actor
    envelope.accepted_at = timezone.now()
    envelope.save(update_fields=["status", "assigned_to", "accepted_at", "updated_at"])
    add_system_note(
        ticket_id=envelope.ticket_id,
        content=f"Envelope for {envelope.target_label} accepted by {display_name(actor)}.",
        actor=actor,
    )
    _audit(envelope, actor, "envelope.accepted", expert=actor.pk)
    _publish(ENVELOPE_ACCEPTED, envelope, ticket=envelope.ticket, actor=actor)
    return envelope


@transaction.atomic
def add_envelope_entry(*, envelope_id, actor, content: str) -> TimelineEntry:
    """A message in the envelope's thread (visibility ``envelope_only``), by someone who sees
    the envelope, while it is pending or active."""
    if not content.strip():
        raise DomainValidationError({"content": ["The entry is empty."]})
    envelope = _lock(envelope_id)
    if not is_staff_role(actor) or not visible_envelopes(actor).filter(pk=envelope.pk).exists():
        raise NotPermitted("Only the envelope's participants write in its thread.")
    if not envelope.is_open:
        raise EnvelopeClosed(f"The envelope is {envelope.status}: its thread is closed.")
    if not envelope.ticket.is_open:  # the envelope's cancellation is on its way
        raise EnvelopeClosed(f"The ticket is {envelope.ticket.status}: the thread is closed.")
    entry = add_thread_entry(
        ticket_id=envelope.ticket_id,
        envelope=envelope,
        actor=actor,
        type=TimelineEntry.Type.NOTE,
        content=content,
    )
    envelope.save(update_fields=["updated_at"])
    return entry


@transaction.atomic
def complete_envelope(*, envelope_id, actor, summary: str) -> Envelope:
    """The expert (or the owner, a manager, an admin) closes an active envelope; the summary
    goes to the ticket's main timeline as an internal entry."""
    if not summary.strip():
        raise DomainValidationError({"summary": ["Summarise what was found or done."]})
    envelope = _lock(envelope_id)
    ticket = envelope.ticket
    if not (actor.pk in (envelope.assigned_to_id, ticket.owner_id) or is_manager_or_admin(actor)):
        raise NotPermitted("Only the expert who holds it or the owner completes an envelope.")
    ensure_envelope_transition(envelope.status, EnvelopeStatus.COMPLETED)
    _ensure_ticket_open(envelope, EnvelopeStatus.COMPLETED)
    envelope.status = EnvelopeStatus.COMPLETED
    envelope.summary = summary.strip()
    envelope.closed_at = timezone.now()
    envelope.save(update_fields=["status", "summary", "closed_at", "updated_at"])
    add_internal_note(
        ticket_id=ticket.pk,
        actor=actor,
        content=f"Envelope summary ({envelope.target_label}): {envelope.summary}",
    )
    _audit(envelope, actor, "envelope.completed")
    ticket = _sync(ticket_id=ticket.pk, actor=actor)
    _publish(ENVELOPE_COMPLETED, envelope, ticket=ticket, actor=actor, summary=envelope.summary)
    return envelope


@transaction.atomic
def cancel_envelope(*, envelope_id, actor, reason: str = "") -> Envelope:
    """The owner (or a manager, an admin) withdraws a pending or active envelope."""
    envelope = _lock(envelope_id)
    ticket = envelope.ticket
    if not (actor.pk == ticket.owner_id or is_manager_or_admin(actor)):
        raise NotPermitted("Only the ticket's owner, a manager or an admin cancels an envelope.")
    return _cancel(envelope, actor=actor, reason=reason)


@transaction.atomic
def cancel_open_envelopes(*, ticket_id, actor=None, reason: str) -> int:
    """Close every pending or active envelope of a ticket (it was resolved); their threads
    stay readable. No permission check: the ticket's resolution asked for it."""
    lock_ticket(ticket_id)
    open_envelopes = Envelope.objects.filter(ticket_id=ticket_id, status__in=OPEN_ENVELOPE_STATUSES)
    ids = list(open_envelopes.values_list("pk", flat=True))
    for envelope_id in ids:
        _cancel(_lock(envelope_id), actor=actor, reason=reason)
    return len(ids)


def _cancel(envelope: Envelope, *, actor, reason: str) -> Envelope:
    ensure_envelope_transition(envelope.status, EnvelopeStatus.CANCELLED)
    envelope.status = EnvelopeStatus.CANCELLED
    envelope.closed_at = timezone.now()
    envelope.save(update_fields=["status", "closed_at", "updated_at"])
    note = f"Envelope for {envelope.target_label} cancelled." + (f" {reason}" if reason else "")
    add_system_note(ticket_id=envelope.ticket_id, content=note, actor=actor)
    _audit(envelope, actor, "envelope.cancelled", reason=reason)
    ticket = _sync(ticket_id=envelope.ticket_id, actor=actor)
    _publish(ENVELOPE_CANCELLED, envelope, ticket=ticket, actor=actor)
    return envelope


# --- helpers ---------------------------------------------------------------------------------


def _lock(envelope_id) -> Envelope:
    """Lock the envelope's ticket, then the envelope (the order every action uses)."""
    ticket_id = Envelope.objects.values_list("ticket_id", flat=True).get(pk=envelope_id)
    ticket = lock_ticket(ticket_id)
    envelope = lock_envelope(envelope_id)
    envelope.ticket = ticket
    return envelope


def _ensure_ticket_open(envelope: Envelope, target: str) -> None:
    """Refuse to move an envelope of a resolved or closed ticket on: it may still read open,
    its cancellation waiting for the resolve's delivery. ``envelope.ticket`` is the row _lock
    locked, so a resolve is either committed and seen here or waits for this transaction."""
    if not envelope.ticket.is_open:
        raise EnvelopeOfFinishedTicket(envelope.ticket.status, envelope.status, target)


def _sync(*, ticket_id, actor):
    """Tell the ticket whether any envelope is still open (it derives ``escalated``)."""
    return sync_escalation(
        ticket_id=ticket_id, actor=actor, envelopes_open=has_open_envelopes(ticket_id)
    )


def _audit(envelope: Envelope, actor, action: str, **data) -> None:
    record_audit(
        actor=actor,
        action=action,
        ticket=envelope.ticket_id,
        data={"envelope": str(envelope.pk), **data},
    )


def _publish(name: str, envelope: Envelope, *, ticket, actor, **data) -> None:
    publish_ticket_event(
        name,
        ticket=ticket,
        actor=actor,
        envelope={
            "id": str(envelope.pk),
            "status": envelope.status,
            "team": (
                {"id": str(envelope.team_id), "slug": envelope.team.slug}
                if envelope.team_id
                else None
            ),
            "agent": envelope.agent_id,
            "reason": envelope.reason,
            "label": envelope.target_label,
        },
        **data,
    )
