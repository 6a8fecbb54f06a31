"""Every write to envelopes: open, accept, post to the thread, complete, cancel, and the
``escalation.age_exceeded`` rule firings.

Each service is keyword-only and runs in one transaction: the ticket row is locked first
(tickets.selectors.lock_ticket), then the envelope row; the timeline and the audit log are
written in the same transaction; the ticket's derived ``escalated`` status is synced through
tickets.services.sync_escalated_status; notifications are queued through
notifications.services.notify, and dashboard events are sent after commit.

Envelope transitions (escalations.lifecycle): pending -> active (accept) -> completed
(complete); pending|active -> cancelled (cancel). Anything else: InvalidTransition (409).
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.audit import record_audit
from core.display import display_name
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import Role, is_manager_or_admin, is_staff_role, role_of
from escalations.lifecycle import (
    OPEN_ENVELOPE_STATUSES,
    EnvelopeClosed,
    EnvelopeStatus,
    ensure_envelope_transition,
)
from escalations.models import Envelope, EscalationRuleFiring
from escalations.selectors import (
    envelopes_due_for_rule,
    lock_envelope,
    may_accept,
    visible_envelopes,
)
from routing.models import RoutingEvent, RoutingRule
from routing.rules import RuleError, parse_condition
from tickets.lifecycle import InvalidTransition, TicketStatus
from tickets.models import TimelineEntry
from tickets.selectors import lock_ticket
from tickets.services import record_system_entry, sync_escalated_status

logger = logging.getLogger(__name__)

AGE_EVENT = RoutingEvent.ESCALATION_AGE_EXCEEDED
# An envelope may be opened while the owner works the ticket (or is already escalated).
ESCALATABLE = frozenset({TicketStatus.IN_PROGRESS, TicketStatus.ESCALATED})

__all__ = [
    "accept_envelope",
    "add_envelope_entry",
    "cancel_envelope",
    "complete_envelope",
    "fire_age_rules",
    "open_envelope",
]


# --- open ------------------------------------------------------------------------------------


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
    _thread_entry(
        envelope=envelope,
        actor=actor,
        type=TimelineEntry.Type.ENVELOPE_REQUEST,
        content=envelope.reason,
    )
    record_system_entry(
        ticket=ticket, content=f"Envelope opened for {envelope.target_label}.", actor=actor
    )
    _audit(envelope, actor, "envelope.opened", team=team and team.slug, agent=agent and agent.pk)
    sync_escalated_status(ticket=ticket, actor=actor)
    # The named expert when there is one, else the envelope's team.
    recipients = [agent] if agent is not None else [f"team:{team.slug}"]
    _notify(envelope, recipients, actor=actor, message="An envelope is waiting for you.")
    _publish("envelope.created", envelope)
    return envelope


# --- accept, thread --------------------------------------------------------------------------


@transaction.atomic
def accept_envelope(*, envelope_id, actor) -> Envelope:
    """An agent of the envelope's team (or the named agent) takes it: pending -> active. Of
    concurrent accepts exactly one wins; the others get InvalidTransition."""
    envelope = _lock(envelope_id)
    if not may_accept(actor, envelope):
        raise NotPermitted("Only the named agent or an agent of the envelope's team accepts it.")
    ensure_envelope_transition(envelope.status, EnvelopeStatus.ACTIVE)
    envelope.status = EnvelopeStatus.ACTIVE
    envelope.assigned_to = actor
    envelope.accepted_at = timezone.now()
    envelope.save(update_fields=["status", "assigned_to", "accepted_at", "updated_at"])
    record_system_entry(
        ticket=envelope.ticket,
        content=f"Envelope for {envelope.target_label} accepted by {display_name(actor)}.",
        actor=actor,
    )
    _audit(envelope, actor, "envelope.accepted", expert=actor.pk)
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
    entry = _thread_entry(
        envelope=envelope, actor=actor, type=TimelineEntry.Type.NOTE, content=content
    )
    envelope.save(update_fields=["updated_at"])
    return entry


# --- complete, cancel ------------------------------------------------------------------------


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
    envelope.status = EnvelopeStatus.COMPLETED
    envelope.summary = summary.strip()
    envelope.closed_at = timezone.now()
    envelope.save(update_fields=["status", "summary", "closed_at", "updated_at"])
    TimelineEntry.objects.create(
        ticket=ticket,
        type=TimelineEntry.Type.NOTE,
        visibility=TimelineEntry.Visibility.INTERNAL,
        author=actor,
        content=f"Envelope summary ({envelope.target_label}): {envelope.summary}",
    )
    _audit(envelope, actor, "envelope.completed")
    sync_escalated_status(ticket=ticket, actor=actor)
    if ticket.owner_id and ticket.owner_id != actor.pk:
        _notify(envelope, [ticket.owner], actor=actor, message="An envelope was completed.")
    _publish("envelope.completed", envelope)
    return envelope


@transaction.atomic
def cancel_envelope(*, envelope_id, actor, reason: str = "") -> Envelope:
    """The owner (or a manager, an admin) withdraws a pending or active envelope."""
    envelope = _lock(envelope_id)
    ticket = envelope.ticket
    if not (actor.pk == ticket.owner_id or is_manager_or_admin(actor)):
        raise NotPermitted("Only the ticket's owner, a manager or an admin cancels an envelope.")
    ensure_envelope_transition(envelope.status, EnvelopeStatus.CANCELLED)
    envelope.status = EnvelopeStatus.CANCELLED
    envelope.closed_at = timezone.now()
    envelope.save(update_fields=["status", "closed_at", "updated_at"])
    note = f"Envelope for {envelope.target_label} cancelled." + (f" {reason}" if reason else "")
    record_system_entry(ticket=ticket, content=note, actor=actor)
    _audit(envelope, actor, "envelope.cancelled", reason=reason)
    sync_escalated_status(ticket=ticket, actor=actor)
    return envelope


# --- escalation.age_exceeded rules -----------------------------------------------------------


def fire_age_rules(*, now=None) -> int:
    """Fire the active ``escalation.age_exceeded`` rules on open envelopes, each rule at most
    once per envelope. Per rule, one query finds the open envelopes it has not fired for yet
    (narrowed by its ``age_hours`` / ``status`` conditions); the routing engine then decides
    whether the rule matches (envelope facts: status, age_hours, escalation.*) and applies
    its actions (``notify`` goes through the notifications service). Returns the firings."""
    now = now or timezone.now()
    rules = RoutingRule.objects.filter(event=AGE_EVENT, active=True).order_by("order", "name")
    fired = 0
    for rule_id, conditions in rules.values_list("pk", "conditions"):
        statuses, min_age = _narrowing(conditions)
        if not statuses:
            continue
        opened_before = now - timedelta(hours=min_age) if min_age is not None else None
        due = envelopes_due_for_rule(
            rule_id=rule_id, statuses=statuses, opened_before=opened_before
        )
        for envelope_id, ticket_id in due.values_list("pk", "ticket_id"):
            fired += _fire_rule(
                rule_id=rule_id, envelope_id=envelope_id, ticket_id=ticket_id, now=now
            )
    return fired


def _narrowing(conditions) -> tuple[frozenset[str], float | None]:
    """What the rule's conditions say about the envelope's status and age, to narrow the query:
    the statuses it can match and the least age (hours). Matching itself is the engine's."""
    statuses, min_age = set(OPEN_ENVELOPE_STATUSES), None
    for item in conditions or []:
        try:
            condition = parse_condition(item)
        except RuleError:
            return frozenset(), None  # an invalid stored rule never matches
        if condition.field == "status" and condition.op in ("equals", "in"):
            values = condition.value if condition.op == "in" else [condition.value]
            statuses &= {str(value).lower() for value in values}
        elif condition.field == "age_hours" and condition.op in ("gte", "equals"):
            min_age = max(min_age or 0.0, float(condition.value))
    return frozenset(statuses), min_age


@transaction.atomic
def _fire_rule(*, rule_id: int, envelope_id, ticket_id, now) -> int:
    from routing.services import apply_rules

    lock_ticket(ticket_id)
    envelope = lock_envelope(envelope_id)
    already = EscalationRuleFiring.objects.filter(rule_id=rule_id, envelope=envelope).exists()
    if already or not envelope.is_open:
        return 0  # another beat run got here first, or the envelope just closed
    facts = {
        "status": envelope.status,
        "age_hours": (now - envelope.created_at).total_seconds() / 3600,
        "escalation.id": str(envelope.pk),
        "escalation.team": envelope.team.slug if envelope.team_id else "",
        "escalation.reason": envelope.reason,
    }
    applied = apply_rules(ticket_id=ticket_id, event=AGE_EVENT, facts=facts, rule_ids=[rule_id])
    if not applied:
        return 0  # the engine says it does not match (yet): look again next tick
    EscalationRuleFiring.objects.create(rule_id=rule_id, envelope=envelope, actions=applied)
    return 1


# --- helpers ---------------------------------------------------------------------------------


def _lock(envelope_id) -> Envelope:
    """Lock the envelope's ticket, then the envelope (the order every service uses)."""
    ticket_id = Envelope.objects.values_list("ticket_id", flat=True).get(pk=envelope_id)
    ticket = lock_ticket(ticket_id)
    envelope = lock_envelope(envelope_id)
    envelope.ticket = ticket
    return envelope


def _thread_entry(*, envelope: Envelope, actor, type: str, content: str) -> TimelineEntry:
    return TimelineEntry.objects.create(
        ticket_id=envelope.ticket_id,
        envelope=envelope,
        type=type,
        visibility=TimelineEntry.Visibility.ENVELOPE_ONLY,
        author=actor,
        content=content,
    )


def _audit(envelope: Envelope, actor, action: str, **data) -> None:
    record_audit(
        actor=actor,
        action=action,
        ticket=envelope.ticket,
        data={"envelope": str(envelope.pk), **data},
    )


def _notify(envelope: Envelope, recipients: list, *, actor, message: str) -> None:
    from notifications.services import notify  # the notifications app owns delivery

    if not recipients:
        return
    notify(
        recipients=recipients,
        event_type="envelope",
        ticket=envelope.ticket,
        payload={
            "envelope_id": str(envelope.pk),
            "status": envelope.status,
            "reason": envelope.reason,
            "message": message,
            "actor_name": display_name(actor),
            "internal": True,
        },
    )


def _publish(event_type: str, envelope: Envelope) -> None:
    """The dashboard event, after commit, through dashboard.realtime: to the managers, the
    ticket's team and the team the envelope asks."""
    from dashboard import realtime

    realtime.publish(
        event_type=event_type,
        ticket_ids=[envelope.ticket_id],
        extra_team_ids=[envelope.team_id],
    )
