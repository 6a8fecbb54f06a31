"""What routing would decide for a ticket: the snapshots (routing.selectors) handed to the pure
engine (routing.engine), with the agent to suggest. Reads only: the actions of routing.actions
store and apply what this returns; the admin's "try these rules" and the dry run of
``POST /api/v1/handlers/allocate`` use it as it is."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from routing import engine, selectors, triage
from routing.engine import Decision
from routing.models import RoutingEvent
from routing.semantic import service as semantic
from routing.semantic.blend import TriageResult
from routing.snapshots import AgentSnapshot, RuleSnapshot, TicketSnapshot
from tickets.models import Ticket
from tickets.priority import derive_priority


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
    """The triage's category (semantic triage blended with the learned model and the keyword
    map); empty when nothing matches."""
    return semantic.guess(title, description, selectors.keyword_map())[0]


def suggest(
    decision: Decision, keywords, agents: list[AgentSnapshot]
) -> tuple[AgentSnapshot | None, str | None]:
    """The agent to suggest among the chosen team's (``agents``), and the e-mail to record: an
    ``agent:<email>`` rule target's, else the engine's pick."""
    if decision.team is None:
        return None, None
    if decision.agent_email:
        forced = next((a for a in agents if a.email.lower() == decision.agent_email), None)
        return forced, decision.agent_email
    agent = engine.suggest_agent(decision.ticket, agents, keywords)
    return agent, agent.email if agent else None


def keywords_after(decision: Decision, keywords, keywords_map) -> tuple[str, ...]:
    """A rule changed the category: eligibility and metrics follow the new one."""
    if decision.changes.get("category"):
        return triage.keywords_for(decision.ticket.category, keywords_map)
    return keywords


def decide(
    *,
    ticket: TicketSnapshot,
    event: str,
    rows,
    keywords_map,
    now,
    rule_ids=None,
    facts=None,
    rules: Sequence[RuleSnapshot] | None = None,
    triage_result: TriageResult | None = None,
) -> tuple[Decision, AgentSnapshot | None, str | None]:
    """``rules`` replaces the stored rules of the event (the admin tries an unsaved rule set)."""
    keywords = triage.keywords_for(ticket.category, keywords_map)
    config = selectors.routing_config(rows, ticket.category, keywords)
    if rules is None:
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
        triage=triage_result,
        queue_team_id=semantic.queue_team_id() if triage_result else None,
    )
    keywords = keywords_after(decision, keywords, keywords_map)
    agents = selectors.agent_snapshots(decision.team.team_id) if decision.team else []
    return (decision, *suggest(decision, keywords, agents))


def prepare_decision(
    *, ticket_id, event: str | None = None, now=None, rule_ids=None, facts=None, rules=None
) -> tuple[Ticket, Prepared]:
    """Read-only: what routing would decide for this ticket now (no lock, nothing stored)."""
    now = now or timezone.now()
    rows = selectors.weight_rows()
    keywords_map = selectors.keyword_map()
    reads = selectors.ticket_snapshots(
        ticket_ids=[ticket_id],
        keyword_map=keywords_map,
        window_hours=selectors.affinity_window_hours(rows),
        now=now,
    )
    if not reads:
        raise Ticket.DoesNotExist(f"No ticket {ticket_id}.")
    read = next(iter(reads.values()))
    ticket, snapshot, triaged = read.ticket, read.snapshot, read.triaged
    if event is None:
        event = (
            RoutingEvent.TICKET_UPDATED if ticket.decided_before else RoutingEvent.TICKET_CREATED
        )
    decision, agent, email = decide(
        ticket=snapshot,
        event=event,
        rows=rows,
        keywords_map=keywords_map,
        now=now,
        rule_ids=rule_ids,
        facts=facts,
        rules=rules,
        triage_result=read.triage,
    )
    return ticket, Prepared(snapshot, decision, agent, email, event, triaged)


def dry_run(
    *, data: dict, now=None, event: str = RoutingEvent.TICKET_CREATED, rules=None
) -> tuple[Prepared, datetime]:
    """Decide for a StandardTicket payload (already validated) without writing anything."""
    now = now or timezone.now()
    rows = selectors.weight_rows()
    keywords_map = selectors.keyword_map()
    category = (data.get("category") or "").strip().lower()
    triaged, reading = False, None
    if not category:
        category, reading = semantic.guess(data["title"], data.get("description", ""), keywords_map)
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
    decision, agent, email = decide(
        ticket=snapshot,
        event=event,
        rows=rows,
        keywords_map=keywords_map,
        now=now,
        rules=rules,
        triage_result=reading,
    )
    return Prepared(snapshot, decision, agent, email, event, triaged), now


def _first(*values):
    return next((value for value in values if value is not None and value is not False), None)
