"""The demo's history decided by the product's own logic, in memory: each ticket routed by the
routing engine (rules, affinity, scoring) against the team loads of that moment, and its SLA
clock placed by the SLA arithmetic (policy match, business calendars, pauses, crossings) from
what happened to it. Reads the configuration once; writes nothing."""

import heapq
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from itsm.demo.plan import Draw
from routing import engine, selectors, triage
from routing.decide import keywords_after, suggest
from routing.engine import Decision
from routing.models import RoutingEvent
from routing.snapshots import AgentSnapshot, TicketSnapshot
from sla.clocks import BREACH, FIRST_RESPONSE, RESOLUTION, WARNING, crossing_kind
from sla.models import PauseReason, SLAClock, SLAPause
from sla.policies import PolicyBook
from sla.timing import new_clock, retime, settle
from tickets.lifecycle import CLOSED_STATUSES, TicketStatus


@dataclass(frozen=True)
class Routed:
    decision: Decision
    agent: AgentSnapshot | None
    agent_email: str | None
    decided_at: datetime
    duration_ms: float


class Router:
    """Routes the tickets in arrival order; ``hold`` counts a routed ticket in its team's load
    (and its owner's) until it is resolved, as the database's counts would."""

    def __init__(self) -> None:
        self.rows = selectors.weight_rows()
        self.keywords_map = selectors.keyword_map()
        self.window = timedelta(hours=selectors.affinity_window_hours(self.rows))
        self.rules = selectors.rule_snapshots(RoutingEvent.TICKET_CREATED)
        self.directory = selectors.agent_directory(self.rules)
        self.load_per_priority = selectors.routing_config(self.rows, "").load_per_priority
        self._teams: dict[str, list] = {}
        self._agents: dict[str, list[AgentSnapshot]] = {}
        self._open: list[tuple[datetime, int, str, int | None, float]] = []
        self._load: Counter = Counter()
        self._owned: Counter = Counter()
        self._previous: dict[tuple[str, str], tuple[datetime, str]] = {}
        self._count = 0

    def _expire(self, at: datetime) -> None:
        while self._open and self._open[0][0] <= at:
            _, _, team_id, owner_id, weight = heapq.heappop(self._open)
            self._load[team_id] -= weight
            self._owned[owner_id] -= 1

    def teams(self, category: str):
        if category not in self._teams:
            keywords = triage.keywords_for(category, self.keywords_map)
            config = selectors.routing_config(self.rows, category, keywords)
            self._teams[category] = [
                keywords,
                config,
                selectors.team_snapshots(category=category, config=config),
            ]
        return self._teams[category]

    def agents(self, team_id: str) -> list[AgentSnapshot]:
        if team_id not in self._agents:
            self._agents[team_id] = selectors.agent_snapshots(team_id)
        return [
            replace(agent, open_count=self._owned[agent.user_id]) for agent in self._agents[team_id]
        ]

    def route(self, draw: Draw, ticket_id: str) -> Routed:
        decided_at = draw.created_at + timedelta(milliseconds=800 + (draw.number * 37) % 2400)
        self._expire(decided_at)
        keywords, config, teams = self.teams(draw.category)
        previous = self._previous.get((draw.requester.email, draw.category))
        requester = draw.requester
        snapshot = TicketSnapshot(
            ticket_id=ticket_id,
            title=draw.title,
            description=draw.description,
            category=draw.category,
            priority=draw.priority,
            type=draw.type,
            source=draw.source,
            urgency=draw.urgency,
            impact=draw.impact,
            tier=requester.tier,
            created_at=draw.created_at,
            requester_email=requester.email,
            latitude=requester.latitude,
            longitude=requester.longitude,
            timezone=requester.timezone,
            previous_team_id=previous[1]
            if previous and draw.created_at - previous[0] <= self.window
            else None,
        )
        started = time.perf_counter()
        decision = engine.decide(
            ticket=snapshot,
            teams=[replace(team, load=max(0.0, self._load[team.team_id])) for team in teams],
            rules=self.rules,
            config=config,
            at=decided_at,
            agent_teams=self.directory,
        )
        team_agents = self.agents(decision.team.team_id) if decision.team else []
        agent, email = suggest(
            decision, keywords_after(decision, keywords, self.keywords_map), team_agents
        )
        took = round((time.perf_counter() - started) * 1000, 3)
        if decision.team:
            self._previous[(requester.email, draw.category)] = (
                draw.created_at,
                decision.team.team_id,
            )
        return Routed(decision, agent, email, decided_at, took)

    def hold(
        self, team_id: str, owner_id: int | None, priority: str, until: datetime | None
    ) -> None:
        weight = float(self.load_per_priority.get(priority, 1.0))
        self._load[team_id] += weight
        self._owned[owner_id] += 1
        self._count += 1
        heapq.heappush(self._open, (until or _FAR, self._count, team_id, owner_id, weight))


_FAR = datetime(9999, 1, 1, tzinfo=UTC)  # still open: held for good


@dataclass(frozen=True)
class ClockResult:
    clock: SLAClock
    pauses: list[SLAPause]
    crossings: list[tuple[str, datetime]]  # (kind, threshold instant), oldest first
    pressure: float  # the ticket's SLA pressure when the clock was last looked at


def _reason(status: str, policy) -> str | None:
    if status == TicketStatus.WAITING:
        return PauseReason.WAITING
    if status == TicketStatus.ESCALATED and policy.pause_on_escalation:
        return PauseReason.ESCALATION
    if status in CLOSED_STATUSES:
        return PauseReason.RESOLVED
    return None


def run_clock(
    ticket, book: PolicyBook, happenings: list[tuple[datetime, str, str]], now: datetime
) -> ClockResult:
    """The clock sla.actions.clocks would have kept: ``happenings`` are (instant, "status",
    new status) and (instant, "reply", "") for the first public staff reply and any other
    activity ("activity"), in time order."""
    clock = new_clock(ticket, ticket.created_at, book=book)
    pauses: list[SLAPause] = []
    last = ticket.created_at
    for at, kind, value in happenings:
        last = at
        clock.last_activity_at = at
        if kind == "reply" and clock.first_response_met_at is None:
            clock.first_response_met_at = at
        if kind != "status":
            continue
        wanted = _reason(value, clock.policy)
        current = next((p for p in pauses if p.ended_at is None), None)
        if current is not None and current.reason != wanted:
            current.ended_at = at
            current = None
        if wanted is not None and current is None:
            pauses.append(SLAPause(clock=clock, reason=wanted, started_at=at))
        if value in CLOSED_STATUSES:
            clock.first_response_met_at = clock.first_response_met_at or at
            clock.resolution_met_at = clock.resolution_met_at or at
        else:
            clock.resolution_met_at = None
    clock.paused_since = next((p.started_at for p in pauses if p.ended_at is None), None)
    retime(clock, calendar=book.calendar(clock.policy), pauses=[p.interval for p in pauses])
    crossings = _crossings(clock, now)
    clock.crossed = sorted(kind for kind, _ in crossings)
    breaches = [at for kind, at in crossings if kind.endswith(BREACH)]
    clock.breached_at = min(breaches) if breaches else None
    settled_at = last if clock.resolution_met_at else now
    _, pressure = settle(clock, now=settled_at)
    clock.updated_at = settled_at
    return ClockResult(clock, pauses, sorted(crossings, key=lambda item: item[1]), pressure)


def _crossings(clock: SLAClock, now: datetime) -> list[tuple[str, datetime]]:
    """Each warning and breach the SLA scan would have recorded as it happened: a threshold
    passed before its target was met (or before now, while unmet)."""
    found = []
    for target in (FIRST_RESPONSE, RESOLUTION):
        met = getattr(clock, f"{target}_met_at")
        limit = min(met, now) if met else now
        warn, due = getattr(clock, f"{target}_warn_at"), getattr(clock, f"{target}_due")
        if warn is not None and warn <= limit and (met is None or warn < met):
            found.append((crossing_kind(target, WARNING), warn))
        if due is not None and ((met is None and due <= now) or (met is not None and met > due)):
            found.append((crossing_kind(target, BREACH), due))
    return found
