"""Routing a ticket: decide its team (rules, affinity, scoring), store the explainable
AllocationDecision, and ask the ticket's action to apply it, in one transaction."""

import time
from dataclasses import replace
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.exceptions import NotPermitted
from core.metrics import ROUTING_DURATION
from core.roles import is_manager_or_admin
from routing import learned_triage, selectors
from routing.actions.effects import publish_alerts, rule_flags
from routing.decide import Prepared, decide
from routing.models import AllocationDecision, RoutingEvent
from tickets.actions.decisions import Allocation, TicketDecision, apply_decision


@transaction.atomic
def route_ticket(
    *, ticket_id, reroute: bool = False, actor=None, event: str | None = None, guess_priority=False
) -> AllocationDecision | None:
    """Decide the team of a ticket and set it. Idempotent: a ticket that already has a team
    (unless ``reroute``) or is no longer open is left alone and None returned. ``event`` names
    the rules to run (by default ticket.updated once the ticket was routed before, else
    ticket.created); ``guess_priority`` lets the learned triage set a priority nobody gave."""
    started = time.perf_counter()
    now = timezone.now()
    rows = selectors.weight_rows()
    keywords_map = selectors.keyword_map()
    ticket, snapshot, triaged = selectors.ticket_snapshot(
        ticket_id=ticket_id,
        keyword_map=keywords_map,
        window_hours=selectors.affinity_window_hours(rows),
        now=now,
        lock=True,  # concurrent routes of one ticket queue here; the first one decides
    )
    if not ticket.is_open or (ticket.team_id is not None and not reroute):
        _observe(started, "skipped")
        return None
    if event is None:
        event = (
            RoutingEvent.TICKET_UPDATED if ticket.decided_before else RoutingEvent.TICKET_CREATED
        )
    if reroute and ticket.own_previous_team is not None:
        # An explicit re-route asks for a fresh choice, not the team the ticket is leaving.
        snapshot = replace(snapshot, previous_team_id=None)
    guessed = (
        learned_triage.guess_priority(ticket.title, ticket.description) if guess_priority else None
    )
    if guessed:
        snapshot = replace(snapshot, priority=guessed)
    decision, agent, email = decide(
        ticket=snapshot, event=event, rows=rows, keywords_map=keywords_map, now=now
    )
    prepared = Prepared(snapshot, decision, agent, email, event, triaged)
    stored = _store(ticket_id=ticket.pk, prepared=prepared, now=now, started=started)
    routed = apply_decision(
        ticket_id=ticket.pk,
        decision=_ticket_decision(prepared, stored, priority_guessed=bool(guessed)),
        actor=actor,
    )
    publish_alerts(ticket=routed, effects=decision.effects, event=event, facts={})
    _observe(started, "routed" if stored.team_id else "unrouted")
    return stored


def _observe(started: float, outcome: str) -> None:
    ROUTING_DURATION.labels(outcome=outcome).observe(time.perf_counter() - started)


def ensure_may_reroute(actor) -> None:
    """Routing a ticket again, whatever team it has, is for managers and admins."""
    if not is_manager_or_admin(actor):
        raise NotPermitted("Only managers and admins route tickets again.")


@transaction.atomic
def reroute_ticket(*, ticket_id, actor) -> AllocationDecision | None:
    """Route a ticket again (managers and admins); None when it is no longer open."""
    ensure_may_reroute(actor)
    return route_ticket(ticket_id=ticket_id, reroute=True, actor=actor)


def _store(*, ticket_id, prepared: Prepared, now, started: float) -> AllocationDecision:
    decision = prepared.decision
    return AllocationDecision.objects.create(
        ticket_id=ticket_id,
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
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        decided_at=now,
    )


def _ticket_decision(
    prepared: Prepared, stored: AllocationDecision, *, priority_guessed: bool
) -> TicketDecision:
    decision = prepared.decision
    category_set = prepared.triaged or "category" in decision.changes
    priority_set = priority_guessed or "priority" in decision.changes
    return TicketDecision(
        team_id=decision.team.team_id if decision.team else None,
        category=decision.ticket.category if category_set else None,
        priority=decision.ticket.priority if priority_set else None,
        flags=rule_flags(decision.effects),
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
            rule_event=prepared.event,
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
    if stored.assigned_user_email:
        text += f" Suggested agent: {stored.assigned_user_email}."
    return text


def route_unrouted(*, now=None, grace_seconds: int = 60, retry_minutes: int = 30) -> int:
    """Route open tickets left without a team (no eligible team then, a lost event...).
    Each ticket in its own transaction; returns how many got a decision."""
    now = now or timezone.now()
    pending = selectors.unrouted_tickets(
        older_than=now - timedelta(seconds=grace_seconds),
        retry_after=now - timedelta(minutes=retry_minutes),
    ).values_list("pk", flat=True)[:500]
    return sum(route_ticket(ticket_id=pk) is not None for pk in list(pending))
