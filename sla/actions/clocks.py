"""The clock of one ticket, following what happens to the ticket (sla.subscribers hears the
ticket's events): started when it is created, paused while waiting on the requester (and while
escalated, if the policy says so), stopped on resolve, run again on resume and reopen, the
first response met by the first public staff reply, re-targeted when priority, type, category
or tier change. Each action locks the ticket, then its clock (always in that order)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core import inserts
from core.audit import AuditRow, record_audit_rows
from core.bulk import bulk_set
from sla import selectors
from sla.actions.crossings import record_crossings
from sla.models import PauseReason, SLAClock, SLAPause, SLAPolicy
from sla.policies import PolicyBook
from sla.timing import apply_policy, calendar_of, new_clock, retime, running_due, settle
from tickets.actions.scores import set_sla_standing
from tickets.lifecycle import CLOSED_STATUSES, TicketStatus
from tickets.models import Ticket
from tickets.selectors import lock_ticket, lock_tickets

RETARGET_FIELDS = frozenset({"priority", "type", "category", "tier", "upgraded"})
CLOCK_STATE_FIELDS = ["state", "breached_at", "crossed", "next_check_at", "checked_at"]
# What follow_changes writes back: everything but the key and the ticket.
CLOCK_FIELDS = [f.name for f in SLAClock._meta.concrete_fields if f.name not in ("id", "ticket")]


def store(clock: SLAClock, *, ticket: Ticket, now: datetime) -> SLAClock:
    """Save the clock as it stands at ``now``, record its new crossings, and hand the ticket its
    SLA pressure and due time."""
    pending, pressure = settle(clock, now=now)
    clock.save()
    record_crossings(pending, tickets={ticket.pk: ticket}, now=now)
    set_sla_standing(standings=[(ticket, pressure, running_due(clock))])
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
    inserts.insert_many(new)
    pending = [crossing for _, crossings, _ in settled for crossing in crossings]
    record_crossings(pending, tickets=tickets, now=now, instants=instants)
    set_sla_standing(
        standings=[(tickets[c.ticket_id], pressure, running_due(c)) for c, _, pressure in settled]
    )
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


def follow_change(*, ticket_id, fields, at: datetime | None = None) -> SLAClock:
    """Descriptive fields changed (at ``at``): a new priority, type, category or tier
    re-targets the clock (the most specific policy again, due times replayed); any change is
    activity."""
    (clock,) = follow_changes(changes=[(ticket_id, fields, at)]).values()
    return clock


@transaction.atomic
def follow_changes(*, changes: list[tuple[object, object, datetime | None]]) -> dict:
    """``follow_change`` for many tickets (ticket id, changed fields, at), in a constant
    number of statements: tickets and clocks locked together, policies and calendars read
    once, the pauses of the re-targeted clocks in one query, the clocks written in one
    statement. Returns every ticket's clock by ticket id."""
    if not changes:
        return {}
    now = timezone.now()
    instants = _instants([(ticket_id, at) for ticket_id, _, at in changes], now=now)
    fields: dict[object, set] = {}
    for ticket_id, changed, _ in changes:
        fields.setdefault(Ticket._meta.pk.to_python(ticket_id), set()).update(changed)
    tickets = {ticket.pk: ticket for ticket in lock_tickets(list(instants)).values()}
    clocks = selectors.lock_clocks(list(tickets))
    book = PolicyBook()
    fresh = [new_clock(tickets[pk], instants[pk], book=book) for pk in tickets if pk not in clocks]
    moving = [c for c in clocks.values() if RETARGET_FIELDS & fields[c.ticket_id]]
    pauses = selectors.pause_intervals([clock.pk for clock in moving])
    audits = []
    for clock in [*fresh, *clocks.values()]:
        clock.last_activity_at = instants[clock.ticket_id]
        clock.updated_at = now  # auto_now: bulk_set writes values as they are
    for clock in moving:
        ticket = tickets[clock.ticket_id]
        moved = retarget(clock, ticket=ticket, book=book, pauses=pauses.get(clock.pk, []))
        audits += [moved] if moved else []
    settled = [(c, *settle(c, now=instants[c.ticket_id])) for c in [*fresh, *clocks.values()]]
    inserts.insert_many(fresh)
    bulk_set(SLAClock, list(clocks.values()), CLOCK_FIELDS)
    record_audit_rows(audits)
    pending = [crossing for _, crossings, _ in settled for crossing in crossings]
    record_crossings(pending, tickets=tickets, now=now, instants=instants)
    set_sla_standing(
        standings=[(tickets[c.ticket_id], pressure, running_due(c)) for c, _, pressure in settled]
    )
    return clocks | {clock.ticket_id: clock for clock in fresh}


def retarget(clock: SLAClock, *, ticket: Ticket, book: PolicyBook, pauses: list) -> AuditRow | None:
    """Match the policy again and replay the due times over ``pauses`` (the clock's pause
    intervals). Returns the audit row of the move when the due times moved (a configuration
    change's recompute skips it: it audits the change itself)."""
    tier = ticket.requester.effective_tier
    policy = book.match(ticket=ticket, tier=tier)
    if clock.upgraded:  # a social_media flag: one step stricter than the match, whatever it is
        policy = book.stricter(policy)
    before = (clock.policy_id, clock.first_response_due, clock.resolution_due)
    clock.tier = tier
    apply_policy(clock, policy)
    retime(clock, calendar=book.calendar(policy), pauses=pauses)
    after = (clock.policy_id, clock.first_response_due, clock.resolution_due)
    if before == after:
        return None
    return AuditRow(
        action="sla.retargeted",
        ticket_id=ticket.pk,
        data={
            "policy": [before[0], after[0]],
            "first_response_due": [_iso(before[1]), _iso(after[1])],
            "resolution_due": [_iso(before[2]), _iso(after[2])],
        },
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def retarget_ticket(*, ticket_id) -> SLAClock:
    """Re-target one ticket (e.g. after its requester's tier changed)."""
    return follow_change(ticket_id=ticket_id, fields=["tier"])
