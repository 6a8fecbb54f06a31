"""Writes of the routing app: routing a ticket and storing the decision; applying rules on
other events; the dry run; importing and editing rules and weights; refreshing measured team
metrics."""

import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.audit import record_audit
from core.exceptions import DomainError
from core.roles import Role
from routing import engine, learned_triage, selectors, triage
from routing.config_services import (
    delete_rule,
    import_rules,
    import_weights,
    save_rule,
    save_weights,
)
from routing.engine import Decision
from routing.models import DEFAULT_WEIGHTS, AllocationDecision, RoutingEvent, TeamMetrics
from routing.rules import RuleFileError
from routing.snapshots import AgentSnapshot, RoutingConfig, TicketSnapshot
from tickets.models import CaseFlag, Ticket
from tickets.priority import derive_priority, priority_score
from tickets.selectors import lock_ticket
from tickets.services import record_system_entry

User = get_user_model()


# --- routing ---------------------------------------------------------------------------------
#
# route_ticket loads the snapshots (routing.selectors), asks the pure engine (routing.engine),
# stores the AllocationDecision and applies it, in one transaction on the locked ticket.

_routing_writes: ContextVar[bool] = ContextVar("routing_writes", default=False)


def routing_is_writing() -> bool:
    """True while route_ticket saves the ticket: the post-save hook must not route again."""
    return _routing_writes.get()


@dataclass(frozen=True)
class Prepared:
    """Everything the engine decided on, and what it decided."""

    ticket: TicketSnapshot
    decision: Decision
    agent: AgentSnapshot | None
    assigned_email: str | None
    event: str
    triaged: bool


def guess_category(*, title: str, description: str = "") -> str:
    """The triage: the learned model when confident, else the keyword map from the admin;
    empty when nothing matches."""
    return learned_triage.guess_category(title, description, selectors.keyword_map())


def _suggest(decision: Decision, keywords) -> tuple[AgentSnapshot | None, str | None]:
    if decision.team is None:
        return None, None
    agents = selectors.agent_snapshots(decision.team.team_id)
    if decision.agent_email:
        forced = next((a for a in agents if a.email.lower() == decision.agent_email), None)
        return forced, decision.agent_email
    agent = engine.suggest_agent(decision.ticket, agents, keywords)
    return agent, agent.email if agent else None


def _decide(
    *, ticket: TicketSnapshot, event: str, rows, keywords_map, now, rule_ids=None, facts=None
) -> tuple[Decision, AgentSnapshot | None, str | None]:
    keywords = triage.keywords_for(ticket.category, keywords_map)
    config = selectors.routing_config(rows, ticket.category, keywords)
    rules = selectors.rule_snapshots(event, rule_ids)
    teams = selectors.team_snapshots(category=ticket.category, config=config)
    decision = engine.decide(
        ticket=ticket,
        teams=teams,
        rules=rules,
        config=config,
        at=now,
        agent_teams=selectors.agent_directory(rules),
        extra_facts=facts,
    )
    if decision.changes.get("category"):
        # A rule changed the category: eligibility and metrics follow the new one.
        keywords = triage.keywords_for(decision.ticket.category, keywords_map)
    agent, email = _suggest(decision, keywords)
    return decision, agent, email


def prepare_decision(
    *, ticket_id, event: str | None = None, now=None, rule_ids=None, facts=None
) -> tuple[Ticket, Prepared]:
    """Read-only: what routing would decide for this ticket now (no lock, nothing stored)."""
    now = now or timezone.now()
    rows = selectors.weight_rows()
    keywords_map = selectors.keyword_map()
    ticket, snapshot, triaged = selectors.ticket_snapshot(
        ticket_id=ticket_id,
        keyword_map=keywords_map,
        window_hours=selectors.affinity_window_hours(rows),
        now=now,
    )
    if event is None:
        event = (
            RoutingEvent.TICKET_UPDATED if ticket.decided_before else RoutingEvent.TICKET_CREATED
        )
    decision, agent, email = _decide(
        ticket=snapshot,
        event=event,
        rows=rows,
        keywords_map=keywords_map,
        now=now,
        rule_ids=rule_ids,
        facts=facts,
    )
    return ticket, Prepared(snapshot, decision, agent, email, event, triaged)


@transaction.atomic
def route_ticket(*, ticket_id, reroute: bool = False, actor=None) -> AllocationDecision | None:
    """Decide the team of a ticket and set it. Idempotent: a ticket that already has a team
    (unless ``reroute``) or is no longer open is left alone and None returned."""
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
        return None
    event = RoutingEvent.TICKET_UPDATED if ticket.decided_before else RoutingEvent.TICKET_CREATED
    if reroute and ticket.own_previous_team is not None:
        # An explicit re-route asks for a fresh choice, not the team the ticket is leaving.
        snapshot = replace(snapshot, previous_team_id=None)
    decision, agent, email = _decide(
        ticket=snapshot, event=event, rows=rows, keywords_map=keywords_map, now=now
    )
    prepared = Prepared(snapshot, decision, agent, email, event, triaged)
    elapsed_ms = (time.perf_counter() - started) * 1000
    return _apply(ticket=ticket, prepared=prepared, actor=actor, now=now, elapsed_ms=elapsed_ms)


def _apply(*, ticket: Ticket, prepared: Prepared, actor, now, elapsed_ms) -> AllocationDecision:
    decision = prepared.decision
    fields = []
    if prepared.triaged or "category" in decision.changes:
        ticket.category = decision.ticket.category
        fields.append("category")
    if "priority" in decision.changes:
        ticket.priority = decision.changes["priority"]
        ticket.priority_score = priority_score(ticket.priority, ticket.requester.effective_tier)
        fields += ["priority", "priority_score"]
    previous_team = ticket.team
    if decision.team is not None and str(ticket.team_id) != decision.team.team_id:
        ticket.team_id = decision.team.team_id
        fields.append("team")
    stored = AllocationDecision.objects.create(
        ticket=ticket,
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
        duration_ms=round(elapsed_ms, 3),
        decided_at=now,
    )
    if fields:
        token = _routing_writes.set(True)
        try:
            ticket.save(update_fields=[*fields, "updated_at"])
        finally:
            _routing_writes.reset(token)
    _run_effects(ticket=ticket, decision=decision, event=prepared.event)
    _record(ticket=ticket, stored=stored, previous_team=previous_team, actor=actor)
    transaction.on_commit(partial(_announce, stored), robust=True)
    return stored


def _record(*, ticket: Ticket, stored: AllocationDecision, previous_team, actor) -> None:
    if stored.team_id is None:
        text = f"Not routed: {stored.rationale}"
    else:
        how = {
            AllocationDecision.Method.RULE: f"rule '{stored.rule_name}'",
            AllocationDecision.Method.AFFINITY: "affinity",
            AllocationDecision.Method.SCORING: f"scoring (composite {stored.confidence:.2f})",
        }[stored.method]
        text = f"Routed to {stored.team_name} by {how}."
        if stored.assigned_user_email:
            text += f" Suggested agent: {stored.assigned_user_email}."
    record_system_entry(ticket=ticket, content=text, actor=actor)
    record_audit(
        actor=actor,
        action="ticket.routed",
        ticket=ticket,
        data={
            "decision": str(stored.pk),
            "method": stored.method,
            "team": str(stored.team_id) if stored.team_id else None,
            "previous_team": str(previous_team.pk) if previous_team else None,
            "rule": stored.rule_name or None,
        },
    )


def _announce(decision: AllocationDecision) -> None:
    from routing.signals import ticket_routed

    ticket_routed.send(sender=AllocationDecision, decision=decision)


# --- rule effects ----------------------------------------------------------------------------


def _run_effects(*, ticket: Ticket, decision: Decision, event: str, facts=None) -> None:
    for effect in decision.effects:
        if effect["type"] == "add_flag":
            _, created = CaseFlag.objects.get_or_create(
                ticket=ticket,
                kind=effect["value"],
                defaults={"note": f"Added by routing rule '{effect['rule']}'."},
            )
            if created:
                record_audit(
                    actor=None,
                    action="ticket.flagged",
                    ticket=ticket,
                    data={"kind": effect["value"], "rule": effect["rule"]},
                )
        elif effect["type"] == "notify":
            _notify(ticket=ticket, effect=effect, event=event, facts=facts or {})


_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)\}")


def render_message(message: str, values: dict) -> str:
    """``{ticket.reference}``-style placeholders from ``values``; unknown ones stay as they are."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), message)


def _notify(*, ticket: Ticket, effect: dict, event: str, facts: dict) -> None:
    from notifications.services import notify  # the notifications app owns delivery

    target = effect["to"]
    kind, _, name = target.partition(":")
    if kind == "owner":
        recipients = [ticket.owner] if ticket.owner_id else []
    elif kind == "managers":
        recipients = list(User.objects.filter(groups__name=Role.MANAGER, is_active=True))
    elif kind == "team" and name == "" and ticket.team_id:
        recipients = [f"team:{ticket.team.slug}"]
    else:
        recipients = [target] if name else []
    if not recipients:
        return
    values = {
        "ticket.id": ticket.pk,
        "ticket.reference": ticket.reference,
        "ticket.title": ticket.title,
        "ticket.priority": ticket.priority,
        "event": event,
        **{str(k): v for k, v in facts.items()},
    }
    message = render_message(effect.get("message") or f"Rule '{effect['rule']}' matched.", values)
    try:
        with transaction.atomic():
            notify(
                recipients=recipients,
                event_type="alert",
                ticket=ticket,
                payload={"message": message, "rule": effect["rule"], "event": event},
            )
    except DomainError as error:  # a rule naming an unknown team must not stop routing
        record_system_entry(
            ticket=ticket, content=f"Rule '{effect['rule']}' could not notify {target}: {error}"
        )


@transaction.atomic
def apply_rules(*, ticket_id, event: str, facts: dict | None = None, rule_ids=None) -> list[dict]:
    """Run the active rules of a non-routing event (escalation.age_exceeded, sla.warning,
    sla.breached...) on a ticket: set_priority, set_category, add_flag and notify apply;
    an assign moves the ticket to that team. ``facts`` adds or overrides condition fields
    (e.g. ``{"status": "pending", "age_hours": 5, "escalation.id": ...}``); ``rule_ids``
    limits the run to those rules (a caller that fires each rule once, e.g. escalations).
    Returns the actions applied."""
    lock_ticket(ticket_id)
    _, prepared = prepare_decision(ticket_id=ticket_id, event=event, facts=facts, rule_ids=rule_ids)
    ticket = Ticket.objects.select_related("requester__company", "team").get(pk=ticket_id)
    decision = prepared.decision
    fields = []
    for name, value in decision.changes.items():
        setattr(ticket, name, value)
        fields.append(name)
    if "priority" in decision.changes:
        ticket.priority_score = priority_score(ticket.priority, ticket.requester.effective_tier)
        fields.append("priority_score")
    applied = list(decision.effects)
    if decision.method == AllocationDecision.Method.RULE and decision.team is not None:
        if str(ticket.team_id) != decision.team.team_id:
            ticket.team_id = decision.team.team_id
            fields.append("team")
        applied.insert(0, {"type": "assign", "to": f"team:{decision.team.slug}"})
    if fields:
        ticket.save(update_fields=[*fields, "updated_at"])
        record_audit(
            actor=None,
            action="ticket.rules_applied",
            ticket=ticket,
            data={"event": event, "changes": {f: str(getattr(ticket, f)) for f in fields}},
        )
    _run_effects(ticket=ticket, decision=decision, event=event, facts=facts)
    return applied


# --- dry run ---------------------------------------------------------------------------------


def dry_run(*, data: dict, now=None) -> tuple[Prepared, datetime]:
    """Decide for a StandardTicket payload (already validated) without writing anything."""
    now = now or timezone.now()
    rows = selectors.weight_rows()
    keywords_map = selectors.keyword_map()
    category = (data.get("category") or "").strip().lower()
    triaged = False
    if not category:
        category = learned_triage.guess_category(
            data["title"], data.get("description", ""), keywords_map
        )
        triaged = bool(category)
    requester = data.get("requester") or {}
    location = data.get("requester_location") or {}
    contact = selectors.requester_facts(
        email=requester.get("email", ""),
        category=category,
        window_hours=selectors.affinity_window_hours(rows),
        now=now,
    )
    metadata = data.get("external_metadata") or {}
    previous = selectors.as_uuid(getattr(contact, "previous_team", None))
    snapshot = TicketSnapshot(
        ticket_id=str(data["ticket_id"]),
        title=data["title"],
        description=data.get("description", ""),
        category=category,
        priority=data.get("priority") or derive_priority(data.get("urgency"), data.get("impact")),
        type=data.get("type") or "incident",
        source=data.get("source") or "api",
        urgency=str(data.get("urgency") or ""),
        impact=str(data.get("impact") or ""),
        tier=contact.effective_tier if contact else "standard",
        created_at=now,
        requester_email=requester.get("email", ""),
        latitude=_first(location.get("lat"), contact and contact.latitude),
        longitude=_first(location.get("lng"), contact and contact.longitude),
        timezone=location.get("timezone") or (contact.timezone if contact else "UTC"),
        language=str(metadata.get("language") or metadata.get("locale") or ""),
        previous_team_id=previous,
    )
    decision, agent, email = _decide(
        ticket=snapshot,
        event=RoutingEvent.TICKET_CREATED,
        rows=rows,
        keywords_map=keywords_map,
        now=now,
    )
    return Prepared(snapshot, decision, agent, email, RoutingEvent.TICKET_CREATED, triaged), now


def _first(*values):
    return next((value for value in values if value is not None and value is not False), None)


# --- keeping every ticket routed and the metrics fresh ---------------------------------------


def route_unrouted(*, now=None, grace_seconds: int = 60, retry_minutes: int = 30) -> int:
    """Route open tickets left without a team (a worker crashed, the broker was down...).
    Each ticket in its own transaction; returns how many got a decision."""
    now = now or timezone.now()
    pending = selectors.unrouted_tickets(
        older_than=now - timedelta(seconds=grace_seconds),
        retry_after=now - timedelta(minutes=retry_minutes),
    ).values_list("pk", flat=True)[:500]
    return sum(route_ticket(ticket_id=pk) is not None for pk in list(pending))


@transaction.atomic
def refresh_team_metrics(*, now=None, days: int = 180) -> int:
    """Measure, per team and category, the resolved tickets of the last ``days``: how many,
    mean resolution hours, and the share resolved within their priority's target hours.
    Returns the number of (team, category) rows written."""
    now = now or timezone.now()
    targets = RoutingConfig(weights=dict(DEFAULT_WEIGHTS)).target_hours
    totals: dict[tuple, list[float]] = {}
    resolved = Ticket.objects.filter(
        team__isnull=False, resolved_at__isnull=False, resolved_at__gte=now - timedelta(days=days)
    ).values_list("team_id", "category", "priority", "created_at", "resolved_at")
    for team_id, category, priority, created, done in resolved.order_by().iterator(2000):
        hours = max(0.0, (done - created).total_seconds() / 3600)
        entry = totals.setdefault((team_id, category.strip().lower()), [0, 0.0, 0])
        entry[0] += 1
        entry[1] += hours
        entry[2] += hours <= targets.get(priority, 24.0)
    TeamMetrics.objects.all().delete()
    TeamMetrics.objects.bulk_create(
        TeamMetrics(
            team_id=team_id,
            category=category,
            resolved_count=count,
            avg_resolution_time_hours=round(hours / count, 3),
            sla_compliance_rate=round(met / count, 4),
        )
        for (team_id, category), (count, hours, met) in totals.items()
    )
    return len(totals)


__all__ = [
    "RuleFileError",
    "apply_rules",
    "delete_rule",
    "dry_run",
    "guess_category",
    "import_rules",
    "import_weights",
    "prepare_decision",
    "refresh_team_metrics",
    "route_ticket",
    "route_unrouted",
    "save_rule",
    "save_weights",
]
