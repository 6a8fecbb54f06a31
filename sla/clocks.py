"""The SLA clock of one ticket as pure data and functions: no ORM, no clock of its own.

A clock runs from ``started_at`` except inside its pause intervals (waiting on the requester,
escalation when the policy says so, resolved). ``milestones`` replays the stored intervals
through the business calendar to find when each target reaches half-time, its warning and
its breach; ``evaluate`` compares those instants with "now" to say which crossings happened
since the last look, what state the clock is in, and when it next needs a look. The scan and
the actions store what these return; nothing here decides twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sla.calendar import Calendar, add_business_minutes, business_minutes_between

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
TARGETS = (FIRST_RESPONSE, RESOLUTION)

WARNING = "warning"
BREACH = "breach"


def crossing_kind(target: str, threshold: str) -> str:
    return f"{target}_{threshold}"


CROSSING_KINDS = tuple(crossing_kind(t, h) for t in TARGETS for h in (WARNING, BREACH))


class State:
    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"
    CHOICES = (OK, WARNING, BREACHED, PAUSED, MET)


# Staleness: hours without activity -> factor (the highest step reached applies).
STALENESS_STEPS = (
    (timedelta(hours=72), 1.4),
    (timedelta(hours=24), 1.2),
    (timedelta(hours=8), 1.1),
)


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime | None = None  # None: still paused


@dataclass(frozen=True)
class Milestones:
    """When one target reaches half its time, its warning and its breach; None when the
    instant lies beyond a pause that has not ended yet (it is not known until resume)."""

    half_at: datetime | None = None
    warn_at: datetime | None = None
    due_at: datetime | None = None


def warning_minutes(target: float, *, percent: int | None, lead: int | None) -> float:
    """Business minutes after start at which the warning fires: a fixed lead before the
    breach when one is set, else a percentage of the target."""
    if lead:
        return max(target - lead, 0.0)
    return target * (percent if percent is not None else 75) / 100


def instant_after(
    calendar: Calendar, started_at: datetime, pauses: Sequence[Interval], minutes: float
) -> datetime | None:
    """The instant at which ``minutes`` business minutes of running (unpaused) time have
    passed since ``started_at``; None when that lies beyond a pause still open."""
    remaining = minutes
    cursor = started_at
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.start > cursor:
            available = business_minutes_between(calendar, cursor, pause.start)
            if remaining <= available:
                return add_business_minutes(calendar, cursor, remaining)
            remaining -= available
        if pause.end is None:
            return None
        cursor = max(cursor, pause.end)
    return add_business_minutes(calendar, cursor, remaining)


def running_minutes(
    calendar: Calendar, started_at: datetime, pauses: Sequence[Interval], now: datetime
) -> float:
    """Business minutes the clock has run between ``started_at`` and ``now``."""
    total = business_minutes_between(calendar, started_at, now)
    for pause in pauses:
        end = min(pause.end or now, now)
        total -= business_minutes_between(calendar, max(pause.start, started_at), end)
    return max(total, 0.0)


def milestones(
    calendar: Calendar,
    started_at: datetime,
    pauses: Sequence[Interval],
    *,
    target: float,
    warn_after: float,
) -> Milestones:
    def at(minutes: float) -> datetime | None:
        return instant_after(calendar, started_at, pauses, minutes)

    return Milestones(half_at=at(target / 2), warn_at=at(warn_after), due_at=at(target))


@dataclass(frozen=True)
class ClockFacts:
    """What evaluation needs to know about one clock."""

    first_response: Milestones
    resolution: Milestones
    first_response_met_at: datetime | None = None
    resolution_met_at: datetime | None = None
    paused: bool = False
    breached_at: datetime | None = None
    crossed: frozenset[str] = frozenset()
    last_activity_at: datetime | None = None

    def target(self, name: str) -> tuple[Milestones, datetime | None]:
        if name == FIRST_RESPONSE:
            return self.first_response, self.first_response_met_at
        return self.resolution, self.resolution_met_at

    @property
    def finished(self) -> bool:
        return self.resolution_met_at is not None


@dataclass(frozen=True)
class Crossing:
    kind: str
    at: datetime  # the instant crossed (the warning or due instant)


@dataclass(frozen=True)
class Evaluation:
    crossings: tuple[Crossing, ...]
    state: str
    breached_at: datetime | None
    next_check_at: datetime | None
    sla_factor: float
    staleness_factor: float
    facts: ClockFacts = field(repr=False)


def _due_crossings(facts: ClockFacts, now: datetime) -> list[Crossing]:
    found = []
    for name in TARGETS:
        stones, met_at = facts.target(name)
        if met_at is None:
            candidates = ((WARNING, stones.warn_at), (BREACH, stones.due_at))
        elif stones.due_at is not None and met_at > stones.due_at:
            candidates = ((BREACH, stones.due_at),)  # met, but late: still a breach
        else:
            candidates = ()
        for threshold, instant in candidates:
            kind = crossing_kind(name, threshold)
            if instant is not None and instant <= now and kind not in facts.crossed:
                found.append(Crossing(kind=kind, at=instant))
    return found


def state_of(facts: ClockFacts, now: datetime) -> str:
    """ok / warning / breached / paused / met. A breach sticks; a finished clock without one
    is met; a paused clock is paused; a running one warns once an unmet target warns."""
    if _is_breached(facts, now):
        return State.BREACHED
    if facts.finished:
        return State.MET
    if facts.paused:
        return State.PAUSED
    for name in TARGETS:
        stones, met_at = facts.target(name)
        if met_at is None and stones.warn_at is not None and stones.warn_at <= now:
            return State.WARNING
    return State.OK


class TargetState:
    """The state of one target (first response or resolution) of a clock, for display."""

    RUNNING = "running"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"


def target_state(facts: ClockFacts, name: str, now: datetime) -> str:
    """One target's state by the rules of ``state_of``: met in time is met, met late or past
    due while unmet is breached, an unmet target of a paused clock is paused, else it runs
    (warning once its warning instant passed)."""
    stones, met_at = facts.target(name)
    if met_at is not None:
        late = stones.due_at is not None and met_at > stones.due_at
        return TargetState.BREACHED if late else TargetState.MET
    if stones.due_at is not None and stones.due_at <= now:
        return TargetState.BREACHED
    if facts.paused:
        return TargetState.PAUSED
    if stones.warn_at is not None and stones.warn_at <= now:
        return TargetState.WARNING
    return TargetState.RUNNING


def _is_breached(facts: ClockFacts, now: datetime) -> bool:
    if facts.breached_at is not None:
        return True
    for name in TARGETS:
        stones, met_at = facts.target(name)
        if stones.due_at is None:
            continue
        if (met_at is None and stones.due_at <= now) or (met_at and met_at > stones.due_at):
            return True
    return False


def sla_factor(facts: ClockFacts, now: datetime) -> float:
    """1.0 early on, 1.5 past half-time, 2.0 past the warning, 3.0 past the breach; the most
    urgent unmet target counts. A finished clock no longer pushes."""
    if facts.finished:
        return 1.0
    factor = 1.0
    for name in TARGETS:
        stones, met_at = facts.target(name)
        if met_at is not None:
            continue
        for instant, value in ((stones.due_at, 3.0), (stones.warn_at, 2.0), (stones.half_at, 1.5)):
            if instant is not None and instant <= now:
                factor = max(factor, value)
                break
    return factor


def staleness_factor(last_activity_at: datetime | None, now: datetime) -> float:
    if last_activity_at is None:
        return 1.0
    idle = now - last_activity_at
    for after, value in STALENESS_STEPS:
        if idle >= after:
            return value
    return 1.0


def next_check_at(facts: ClockFacts, now: datetime) -> datetime | None:
    """The next instant at which a crossing, the state or the priority score changes."""
    if facts.finished:
        return None
    upcoming = []
    for name in TARGETS:
        stones, met_at = facts.target(name)
        if met_at is None:
            upcoming += [stones.half_at, stones.warn_at, stones.due_at]
    if facts.last_activity_at is not None:
        upcoming += [facts.last_activity_at + after for after, _ in STALENESS_STEPS]
    later = [instant for instant in upcoming if instant is not None and instant > now]
    return min(later, default=None)


def evaluate(facts: ClockFacts, now: datetime) -> Evaluation:
    crossings = tuple(_due_crossings(facts, now))
    breaches = [c.at for c in crossings if c.kind.endswith(BREACH)]
    breached_at = facts.breached_at or (min(breaches) if breaches else None)
    settled = replace(
        facts,
        breached_at=breached_at,
        crossed=facts.crossed | {c.kind for c in crossings},
    )
    return Evaluation(
        crossings=crossings,
        state=state_of(settled, now),
        breached_at=breached_at,
        next_check_at=next_check_at(settled, now),
        sla_factor=sla_factor(settled, now),
        staleness_factor=staleness_factor(settled.last_activity_at, now),
        facts=settled,
    )
