"""Placing an SLA clock's milestones and reading its state: which policy and targets it runs
on, where each half, warning and due time falls on the policy's business calendar once the
pauses are replayed, and what the clock says at an instant. Nothing here saves: the actions
(sla.actions) store what these compute."""

from datetime import datetime

from sla import scoring, selectors
from sla.calendar import Calendar
from sla.clocks import FIRST_RESPONSE, RESOLUTION, Interval, evaluate, milestones, warning_minutes
from sla.models import SLAClock, SLAPolicy
from sla.policies import PolicyBook


def apply_policy(clock: SLAClock, policy: SLAPolicy) -> None:
    clock.policy = policy
    clock.first_response_minutes = policy.first_response_minutes
    clock.resolution_minutes = policy.resolution_minutes


def _until(pauses: list[Interval], met_at: datetime) -> list[Interval]:
    """The pauses that matter to a target met at ``met_at``: those begun before it, cut
    there."""
    return [Interval(p.start, min(p.end or met_at, met_at)) for p in pauses if p.start < met_at]


def retime(clock: SLAClock, *, calendar: Calendar, pauses: list[Interval]) -> None:
    """Replay start and pauses through the calendar to place every milestone."""
    policy = clock.policy
    for name, target in (
        (FIRST_RESPONSE, clock.first_response_minutes),
        (RESOLUTION, clock.resolution_minutes),
    ):
        met_at = getattr(clock, f"{name}_met_at")
        stones = milestones(
            calendar,
            clock.started_at,
            _until(pauses, met_at) if met_at else pauses,
            target=target,
            warn_after=warning_minutes(
                target, percent=policy.warning_percent, lead=policy.warning_lead_minutes
            ),
        )
        setattr(clock, f"{name}_half_at", stones.half_at)
        setattr(clock, f"{name}_warn_at", stones.warn_at)
        setattr(clock, f"{name}_due", stones.due_at)


def calendar_of(policy: SLAPolicy) -> Calendar:
    return selectors.calendars_with_hours().get(pk=policy.calendar_id).as_calendar()


def settle(clock: SLAClock, *, now: datetime) -> tuple[list, float]:
    """Evaluate the clock at ``now``, store the outcome on it (not saved) and return the
    crossings to record and the ticket's SLA pressure (sla.scoring)."""
    outcome = evaluate(selectors.facts_of(clock), now)
    clock.state = outcome.state
    clock.breached_at = outcome.breached_at
    clock.crossed = sorted(outcome.facts.crossed)
    clock.next_check_at = outcome.next_check_at
    clock.checked_at = now
    pressure = scoring.pressure(
        sla_factor=outcome.sla_factor, staleness_factor=outcome.staleness_factor
    )
    return [(clock, crossing) for crossing in outcome.crossings], pressure


def running_due(clock: SLAClock) -> datetime | None:
    """The resolution due time the ticket list orders by: the clock's until it stops (the
    ticket resolved: None). A paused clock has none unless it fell due before the pause."""
    return clock.resolution_due if clock.resolution_met_at is None else None


def new_clock(ticket, now: datetime, *, book: PolicyBook | None = None) -> SLAClock:
    """The clock a ticket starts with (not saved): the policy it falls under, due times from
    its creation on the policy's calendar. A batch passes one ``book`` for all its tickets."""
    book = book or PolicyBook()
    tier = ticket.requester.effective_tier
    policy = book.match(ticket=ticket, tier=tier)
    clock = SLAClock(
        ticket=ticket,
        tier=tier,
        started_at=ticket.created_at or now,
        last_activity_at=ticket.created_at or now,
    )
    apply_policy(clock, policy)
    retime(clock, calendar=book.calendar(policy), pauses=[])
    return clock


def preview_clock(policy: SLAPolicy, now: datetime) -> SLAClock:
    """The clock a ticket created at ``now`` under ``policy`` would start with, from the
    policy's calendar as stored: the admin's preview of its due times. Not saved."""
    clock = SLAClock(started_at=now, last_activity_at=now)
    apply_policy(clock, policy)
    retime(clock, calendar=calendar_of(policy), pauses=[])
    return clock
