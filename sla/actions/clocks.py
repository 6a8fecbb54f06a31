"""The clock of one ticket, following what happens to the ticket (sla.subscribers hears the
ticket's events): started when it is created, paused while waiting on the requester (and while
escalated, if the policy says so), stopped on resolve, run again on resume and reopen, the
first response met by the first public staff reply, re-targeted when priority, type, category
or tier change. Each action locks the ticket, then its clock (always in that order)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.audit import record_audit
from sla import selectors
from sla.actions.crossings import record_crossings
from sla.models import PauseReason, SLAClock, SLAPause, SLAPolicy
from sla.policies import PolicyBook, match_policy
from sla.timing import apply_policy, calendar_of, new_clock, retime, settle
from tickets.actions.scores import set_sla_pressure
from tickets.lifecycle import CLOSED_STATUSES, TicketStatus
from tickets.models import Ticket
from tickets.selectors import lock_ticket, lock_tickets

RETARGET_FIELDS = frozenset({"priority", "type", "category", "tier"})
CLOCK_STATE_FIELDS = ["state", "breached_at", "crossed", "next_check_at", "checked_at"]


def store(clock: SLAClock, *, ticket: Ticket, now: datetime) -> SLAClock:
    """Save the clock as it stands at ``now``, record its new crossings, and hand the ticket its
    SLA pressure."""
    pending, pressure = settle(clock, now=now)
    clock.save()
    record_crossings(pending, tickets={ticket.pk: ticket}, now=now)
    set_sla_pressure(pressures=[(ticket, pressure)])
    return clock


def _clock_for(ticket: Ticket, now: datetime) -> tuple[SLAClock, bool]:
    """The ticket's clock, locked; started now (from the ticket's creation) when missing."""
    clock = selectors.lock_clock(ticket.pk)
    if clock is not None:
        return clock, False
    return new_clock(ticket, now), True


def start_clock(*, ticket_id, at: datetime | None = None) -> SLAClock:
    """The clock of a new ticket (kept as it is if it has one already), as of ``at``."""
    (clock,) = start_clocks(starts=[(ticket_id, at)]).values()
    return clock


@transaction.atomic
def start_clocks(*, starts: list[tuple[object, datetime | None]]) -> dict[object, SLAClock]:
    """``start_clock`` for many tickets (ticket id, as of when), in a constant number of
    statements: the tickets locked together, then their clocks; the policies and calendars
    read once; the new clocks inserted together. A ticket with a clock keeps it as it is.
    Returns every ticket's clock by ticket id."""
    if not starts:
        return {}
    now = timezone.now()
    instants = _instants(starts, now=now)
    # Raises Ticket.DoesNotExist for a missing one, as lock_ticket does: the event is retried.
    tickets = {ticket.pk: ticket for ticket in lock_tickets(list(instants)).values()}
    clocks = selectors.lock_clocks(list(tickets))
    fresh = [pk for pk in tickets if pk not in clocks]
    if not fresh:
        return clocks
    book = PolicyBook()
    new = [new_clock(tickets[pk], instants[pk], book=book) for pk in fresh]
    settled = [(clock, *settle(clock, now=instants[clock.ticket_id])) for clock in new]
    SLAClock.objects.bulk_create(new)
    pending = [crossing for _, crossings, _ in settled for crossing in crossings]
    record_crossings(pending, tickets=tickets, now=now, instants=instants)
    set_sla_pressure(pressures=[(tickets[c.ticket_id], pressure) for c, _, pressure in settled])
    return clocks | {clock.ticket_id: clock for clock in new}


def _instants(
    starts: list[tuple[object, datetime | None]], *, now: datetime
) -> dict[object, datetime]:
    """Each ticket's start instant (``now`` where none is given) by its primary key (events
    carry ids as text). A ticket named twice starts at its first: one by one, the second
    start would find its clock."""
    to_pk = Ticket._meta.pk.to_python
    instants: dict[object, datetime] = {}
    for ticket_id, at in starts:
        instants.setdefault(to_pk(ticket_id), at or now)
    return instants


def _pause_reason(status: str, policy: SLAPolicy) -> str | None:
    if status == TicketStatus.WAITING:
        return PauseReason.WAITING
    if status == TicketStatus.ESCALATED and policy.pause_on_escalation:
        return PauseReason.ESCALATION
    if status in CLOSED_STATUSES:
        return PauseReason.RESOLVED
    return None


@transaction.atomic
def follow_status(*, ticket_id, status: str, at: datetime | None = None) -> SLAClock:
    """The ticket moved to ``status`` at ``at``: pause while waiting (and escalated, if the
    policy says so), stop on resolve (which also answers a first response still owed), run
    again on resume and reopen. The move's own status and time count, not the ticket's now: a
    clock that hears of several moves late still places each pause where it happened."""
    now = at or timezone.now()
    ticket = lock_ticket(ticket_id)
    clock, _ = _clock_for(ticket, now)
    pauses = list(clock.pauses.all()) if clock.pk else []
    wanted = _pause_reason(status, clock.policy)
    current = next((p for p in pauses if p.ended_at is None), None)
    if current is not None and current.reason != wanted:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
        current = None
    if clock.pk is None:
        clock.save()
    if wanted is not None and current is None:
        pauses.append(SLAPause.objects.create(clock=clock, reason=wanted, started_at=now))
    clock.paused_since = next((p.started_at for p in pauses if p.ended_at is None), None)
    if status in CLOSED_STATUSES:
        clock.first_response_met_at = clock.first_response_met_at or now
        clock.resolution_met_at = clock.resolution_met_at or now
    else:
        clock.resolution_met_at = None
    clock.last_activity_at = now
    retime(clock, calendar=calendar_of(clock.policy), pauses=[p.interval for p in pauses])
    return store(clock, ticket=ticket, now=now)


@transaction.atomic
def note_activity(*, ticket_id, at: datetime | None = None, first_response: bool = False):
    """Any entry is activity; the first public staff reply meets the first response."""
    now = at or timezone.now()
    ticket = lock_ticket(ticket_id)
    clock, _ = _clock_for(ticket, now)
    clock.last_activity_at = now
    if clock.first_response_met_at is None and first_response:
        clock.first_response_met_at = now
        pauses = [p.interval for p in clock.pauses.all()] if clock.pk else []
        retime(clock, calendar=calendar_of(clock.policy), pauses=pauses)
    return store(clock, ticket=ticket, now=now)


@transaction.atomic
def follow_change(*, ticket_id, fields, at: datetime | None = None) -> SLAClock:
    """Descriptive fields changed (at ``at``): a new priority, type, category or tier
    re-targets the clock (the most specific policy again, due times replayed); any change is
    activity."""
    now = at or timezone.now()
    ticket = lock_ticket(ticket_id)
    clock, created = _clock_for(ticket, now)
    clock.last_activity_at = now
    if not created and RETARGET_FIELDS & set(fields):
        retarget(clock, ticket=ticket, policies=None)
    return store(clock, ticket=ticket, now=now)


def retarget(clock: SLAClock, *, ticket: Ticket, policies, calendars=None, audit=True) -> bool:
    """Match the policy again and replay the due times; audited when they move (not in the
    recompute after a configuration change, which audits the change itself)."""
    tier = ticket.requester.effective_tier
    policy = match_policy(ticket=ticket, tier=tier, policies=policies)
    before = (clock.policy_id, clock.first_response_due, clock.resolution_due)
    clock.tier = tier
    apply_policy(clock, policy)
    calendar = (calendars or {}).get(policy.calendar_id) or policy.calendar.as_calendar()
    retime(clock, calendar=calendar, pauses=[p.interval for p in clock.pauses.all()])
    after = (clock.policy_id, clock.first_response_due, clock.resolution_due)
    if before == after:
        return False
    if not audit:
        return True
    record_audit(
        actor=None,
        action="sla.retargeted",
        ticket=ticket,
        data={
            "policy": [before[0], after[0]],
            "first_response_due": [_iso(before[1]), _iso(after[1])],
            "resolution_due": [_iso(before[2]), _iso(after[2])],
        },
    )
    return True


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def retarget_ticket(*, ticket_id) -> SLAClock:
    """Re-target one ticket (e.g. after its requester's tier changed)."""
    return follow_change(ticket_id=ticket_id, fields=["tier"])
