"""Routing many tickets in one transaction (a wave of ticket.created / ticket.updated events;
route_ticket is a batch of one), with the reads shared: the weights, the keyword map, the rules
and the team snapshots once per batch (every category of its tickets in one query), the
tickets locked and read in one query, the chosen teams' agents in one; the decisions stored
in one statement and applied by the ticket's action in a constant few.

The tickets are decided in the order given, in memory, each seeing what the ones before it
changed, as routing them one by one would: the team a ticket joins carries its load (so a
burst spreads over the teams instead of piling onto the one least loaded at the start), and
a ticket routed earlier in the batch is its requester's previous ticket for affinity. An
agent suggestion does not make the ticket the agent's (its owner stays empty), so agents'
loads do not change within a batch.
"""

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core import inserts
from core.events import publish_many
from core.metrics import ROUTING_DURATION
from routing import engine, learned_triage, selectors, team_reads, triage
from routing.actions.effects import alert_events, rule_flags
from routing.decide import Prepared, keywords_after, suggest
from routing.models import AllocationDecision, RoutingEvent, ScoringWeights
from routing.semantic import service as semantic
from routing.snapshots import RuleSnapshot, TeamSnapshot
from tickets.actions.decisions import Allocation, TicketDecision, apply_decisions
from tickets.models import Ticket


@dataclass(frozen=True)
class RouteRequest:
    ticket_id: object
    # The rules to run: by default ticket.updated once the ticket was routed before, else
    # ticket.created.
    event: str | None = None
    reroute: bool = False  # route a ticket that has a team again
    guess_priority: bool = False  # the learned triage may set a priority nobody gave


@dataclass(frozen=True)
class _Routed:
    """A ticket the batch gave a team, as a later ticket's affinity query would find it."""

    ticket_id: uuid.UUID
    requester_id: object
    category: str
    created_at: datetime
    team_id: str


@dataclass
class _Batch:
    """The batch's shared reads, and what its decisions changed so far."""

    now: datetime
    rows: list[ScoringWeights]
    keywords_map: dict[str, str]
    since: datetime | None  # the affinity window's start (None: no affinity)
    teams_by_category: dict[str, list[TeamSnapshot]]
    load_per_priority: dict[str, float]
    load_delta: dict[str, float] = field(default_factory=dict)
    rules: dict[str, list[RuleSnapshot]] = field(default_factory=dict)
    directories: dict[str, dict] = field(default_factory=dict)
    routed: list[_Routed] = field(default_factory=list)
    # (category, team id) -> (the load delta it was made with, the snapshot with that load)
    adjusted: dict[tuple[str, str], tuple[float, TeamSnapshot]] = field(default_factory=dict)

    def rules_of(self, event: str) -> tuple[list[RuleSnapshot], dict]:
        if event not in self.rules:
            self.rules[event] = selectors.rule_snapshots(event)
            self.directories[event] = selectors.agent_directory(self.rules[event])
        return self.rules[event], self.directories[event]

    def teams(self, category: str) -> list[TeamSnapshot]:
        """The category's team snapshots with the load the batch's decisions added. A
        snapshot is copied again only when its team's load moved since (a decision moves one
        or two teams; copying every team for every ticket cost more than the decision)."""
        return [self._with_load(category, team) for team in self.teams_by_category[category]]

    def _with_load(self, category: str, team: TeamSnapshot) -> TeamSnapshot:
        delta = self.load_delta.get(team.team_id)
        if not delta:
            return team
        made = self.adjusted.get((category, team.team_id))
        if made is None or made[0] != delta:
            made = (delta, replace(team, load=team.load + delta))
            self.adjusted[(category, team.team_id)] = made
        return made[1]

    def weight(self, ticket: Ticket, priority: str) -> float:
        """What the ticket counts in its team's load (as routing.team_reads sums it)."""
        if ticket.status not in selectors.RUNNING_STATUSES:
            return 0.0
        return float(self.load_per_priority.get(priority, 1.0))


@dataclass(frozen=True)
class _Decided:
    ticket: Ticket
    prepared: Prepared
    keywords: tuple[str, ...]
    priority_guessed: bool


@transaction.atomic
def route_tickets(
    *, requests: Sequence[RouteRequest], actor=None
) -> list[AllocationDecision | None]:
    """Route the tickets, in the order given, as many route_ticket calls would: the stored
    decision of each, or None for a ticket left alone (no longer open, has a team and no
    ``reroute``, or named again in the batch). Raises Ticket.DoesNotExist for a missing one."""
    if not requests:
        return []
    started = time.perf_counter()
    now = timezone.now()
    rows = selectors.weight_rows()
    keywords_map = selectors.keyword_map()
    window = selectors.affinity_window_hours(rows)
    reads = selectors.ticket_snapshots(
        ticket_ids=[request.ticket_id for request in requests],
        keyword_map=keywords_map,
        window_hours=window,
        now=now,
        lock=True,  # concurrent routes of a ticket queue here; the first one decides
    )
    chosen = _to_route(requests, reads)
    if not chosen:
        _observe(started, ["skipped"] * len(requests))
        return [None] * len(requests)
    batch = _Batch(
        now=now,
        rows=rows,
        keywords_map=keywords_map,
        since=now - timedelta(hours=window) if window else None,
        teams_by_category=_team_snapshots(rows, {reads[pk].snapshot.category for _, pk in chosen}),
        load_per_priority=selectors.routing_config(rows, "").load_per_priority,
    )
    decided = [_decide(batch, requests[index], reads[pk]) for index, pk in chosen]
    stored = _store(_with_agents(decided), now=now, started=started)
    routed = apply_decisions(
        decisions=[
            (item.ticket.pk, _ticket_decision(item, decision))
            for item, decision in zip(decided, stored, strict=True)
        ],
        actor=actor,
    )
    publish_many(
        [
            alert
            for item, ticket in zip(decided, routed, strict=True)
            for alert in alert_events(
                ticket=ticket,
                effects=item.prepared.decision.effects,
                event=item.prepared.event,
                facts={},
            )
        ]
    )
    results: list[AllocationDecision | None] = [None] * len(requests)
    for (index, _), decision in zip(chosen, stored, strict=True):
        results[index] = decision
    _observe(started, [_outcome(decision) for decision in results])
    return results


def _to_route(requests: Sequence[RouteRequest], reads: dict) -> list[tuple[int, uuid.UUID]]:
    """(position, ticket id) of the requests to route, in order."""
    chosen, seen = [], set()
    for index, request in enumerate(requests):
        pk = Ticket._meta.pk.to_python(request.ticket_id)
        if pk not in reads:
            raise Ticket.DoesNotExist(f"No ticket {request.ticket_id}.")
        ticket = reads[pk].ticket
        if pk in seen or not ticket.is_open or (ticket.team_id is not None and not request.reroute):
            continue
        seen.add(pk)
        chosen.append((index, pk))
    return chosen


def _team_snapshots(rows, categories: set[str]) -> dict[str, list[TeamSnapshot]]:
    # The load weights are the default row's, whatever the category (selectors.routing_config).
    return team_reads.team_snapshots_by_category(
        categories=sorted(categories),
        load_per_priority=selectors.routing_config(rows, "").load_per_priority,
        running_statuses=selectors.RUNNING_STATUSES,
    )


def _decide(batch: _Batch, request: RouteRequest, read: selectors.TicketRead) -> _Decided:
    """Decide one ticket's team (its agent comes later, for the whole batch at once) and
    count it in the batch's loads and affinities."""
    ticket, snapshot = read.ticket, read.snapshot
    event = request.event or (
        RoutingEvent.TICKET_UPDATED if ticket.decided_before else RoutingEvent.TICKET_CREATED
    )
    if request.reroute and ticket.own_previous_team is not None:
        # An explicit re-route asks for a fresh choice, not the team the ticket is leaving.
        snapshot = replace(snapshot, previous_team_id=None)
    elif ticket.own_previous_team is None:
        snapshot = _with_batch_affinity(batch, read, snapshot)
    guessed = (
        learned_triage.guess_priority(ticket.title, ticket.description)
        if request.guess_priority
        else None
    )
    if guessed:
        snapshot = replace(snapshot, priority=guessed)
    keywords = triage.keywords_for(snapshot.category, batch.keywords_map)
    config = selectors.routing_config(batch.rows, snapshot.category, keywords)
    rules, agent_teams = batch.rules_of(event)
    decision = engine.decide(
        ticket=snapshot,
        teams=batch.teams(snapshot.category),
        rules=rules,
        config=config,
        at=batch.now,
        agent_teams=agent_teams,
        triage=read.triage,
        queue_team_id=semantic.queue_team_id() if read.triage else None,
    )
    prepared = Prepared(snapshot, decision, None, None, event, read.triaged)
    decided = _Decided(
        ticket, prepared, keywords_after(decision, keywords, batch.keywords_map), bool(guessed)
    )
    _count(batch, decided)
    return decided


def _with_batch_affinity(batch: _Batch, read: selectors.TicketRead, snapshot):
    """The requester's previous team, counting the tickets routed earlier in the batch: one of
    them created after the previous ticket the database gave is the requester's latest."""
    if batch.since is None or not read.affinity_category:
        return snapshot
    ticket = read.ticket
    earlier = [
        routed
        for routed in batch.routed
        if routed.requester_id == ticket.requester_id
        and routed.category == read.affinity_category
        and routed.ticket_id != ticket.pk
        and routed.created_at >= batch.since
    ]
    if not earlier:
        return snapshot
    latest = max(earlier, key=lambda routed: routed.created_at)
    if read.requester_previous_at is not None and latest.created_at < read.requester_previous_at:
        return snapshot
    return replace(snapshot, previous_team_id=latest.team_id)


def _count(batch: _Batch, decided: _Decided) -> None:
    """What applying the decision will change for the tickets after it: the load of the team
    it leaves and of the team it joins (the database's counts follow the ticket's team and
    priority: tickets.TeamLoad), and the requester's latest routed ticket."""
    ticket, decision = decided.ticket, decided.prepared.decision
    fields = _final_fields(decided)
    old_team = selectors.as_uuid(ticket.team_id)
    new_team = decision.team.team_id if decision.team else old_team
    if old_team is not None:
        batch.load_delta[old_team] = batch.load_delta.get(old_team, 0.0) - batch.weight(
            ticket, ticket.priority
        )
    if new_team is None:
        return
    batch.load_delta[new_team] = batch.load_delta.get(new_team, 0.0) + batch.weight(
        ticket, fields["priority"] or ticket.priority
    )
    category = fields["category"] or ticket.category
    batch.routed.append(
        _Routed(ticket.pk, ticket.requester_id, category, ticket.created_at, new_team)
    )


def _final_fields(decided: _Decided) -> dict[str, str | None]:
    """The category and priority the decision writes on the ticket (None: left as they are)."""
    decision = decided.prepared.decision
    category_set = decided.prepared.triaged or "category" in decision.changes
    priority_set = decided.priority_guessed or "priority" in decision.changes
    return {
        "category": decision.ticket.category if category_set else None,
        "priority": decision.ticket.priority if priority_set else None,
    }


def _with_agents(decided: list[_Decided]) -> list[_Decided]:
    """The suggested agents: the chosen teams' agents read in one query (suggestions change no
    agent's load, so the order of the batch does not matter here)."""
    team_ids = {
        item.prepared.decision.team.team_id for item in decided if item.prepared.decision.team
    }
    agents = (
        team_reads.agent_snapshots_by_team(team_ids, running_statuses=selectors.RUNNING_STATUSES)
        if team_ids
        else {}
    )
    suggested = []
    for item in decided:
        decision = item.prepared.decision
        team_agents = agents.get(decision.team.team_id, []) if decision.team else []
        agent, email = suggest(decision, item.keywords, team_agents)
        suggested.append(
            replace(item, prepared=replace(item.prepared, agent=agent, assigned_email=email))
        )
    return suggested


def _store(decided: list[_Decided], *, now, started: float) -> list[AllocationDecision]:
    # The batch's time so far, shared: what routing one of its tickets cost.
    duration_ms = round((time.perf_counter() - started) * 1000 / len(decided), 3)
    rows = [_decision_row(item, now=now, duration_ms=duration_ms) for item in decided]
    return inserts.insert_many(rows)


def _decision_row(item: _Decided, *, now, duration_ms: float) -> AllocationDecision:
    prepared, decision = item.prepared, item.prepared.decision
    return AllocationDecision(
        ticket_id=item.ticket.pk,
        event=prepared.event,
        method=decision.method,
        team_id=decision.team.team_id if decision.team else None,
        team_name=decision.team.name if decision.team else "",
        assigned_user_id=prepared.agent.user_id if prepared.agent else None,
        assigned_user_email=prepared.assigned_email or "",
        rule_id=decision.rule.rule_id if decision.rule else None,
        rule_name=decision.rule.name if decision.rule else "",
        scores=decision.scores,
        candidates=decision.candidate_documents,
        actions=list(decision.effects),
        rationale=decision.rationale,
        confidence=decision.confidence,
        triage=decision.triage,
        duration_ms=duration_ms,
        decided_at=now,
    )


def _ticket_decision(item: _Decided, stored: AllocationDecision) -> TicketDecision:
    fields = _final_fields(item)
    return TicketDecision(
        team_id=str(stored.team_id) if stored.team_id else None,
        category=fields["category"],
        priority=fields["priority"],
        flags=rule_flags(item.prepared.decision.effects),
        note=_explanation(stored),
        audit_action="ticket.routed",
        audit_data={
            "decision": str(stored.pk),
            "method": stored.method,
            "team": str(stored.team_id) if stored.team_id else None,
            "rule": stored.rule_name or None,
        },
        allocation=Allocation(
            decision_id=str(stored.pk),
            method=stored.method,
            rule_event=item.prepared.event,
            suggested_agent_id=stored.assigned_user_id,
        ),
    )


def _explanation(stored: AllocationDecision) -> str:
    if stored.team_id is None:
        return f"Not routed: {stored.rationale}"
    how = {
        AllocationDecision.Method.RULE: f"rule '{stored.rule_name}'",
        AllocationDecision.Method.AFFINITY: "affinity",
        AllocationDecision.Method.SCORING: f"scoring (composite {stored.confidence:.2f})",
    }[stored.method]
    text = f"Routed to {stored.team_name} by {how}."
    if stored.triage.get("needs_triage"):
        text += " Needs triage: triage was not confident enough."
    if stored.assigned_user_email:
        text += f" Suggested agent: {stored.assigned_user_email}."
    return text


def _outcome(decision: AllocationDecision | None) -> str:
    if decision is None:
        return "skipped"
    return "routed" if decision.team_id else "unrouted"


def _observe(started: float, outcomes: list[str]) -> None:
    # One observation per ticket, each the batch's time shared: what routing one ticket cost.
    each = (time.perf_counter() - started) / max(len(outcomes), 1)
    for outcome in outcomes:
        ROUTING_DURATION.labels(outcome=outcome).observe(each)
