"""Applying what another app decided for a ticket: routing's allocation, or the actions of
routing rules on any event. Routing computes; this module writes the ticket (team, category,
priority, flags) with one system entry, one audit row and one event, like any other change of
those fields, so the SLA clock follows a new priority or category whoever asked. A batch of
decisions (routing a burst of tickets) is written in a constant few statements."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.audit import AuditRow, record_audit_rows
from core.bulk import bulk_set
from org.models import Team
from tickets.actions.flags import flag_tickets
from tickets.actions.journal import record_system_entries
from tickets.events import (
    CAUSE_ROUTING,
    TICKET_ROUTED,
    TICKET_UPDATED,
    publish_ticket_events,
    ticket_event,
)
from tickets.models import Ticket
from tickets.priority import score_of
from tickets.selectors import lock_tickets


@dataclass(frozen=True)
class Allocation:
    """What makes a decision a routing one (``ticket.routed``)."""

    decision_id: str
    method: str
    rule_event: str
    suggested_agent_id: int | None = None


@dataclass(frozen=True)
class TicketDecision:
    """Fields left None stay as they are."""

    team_id: str | None = None
    category: str | None = None
    priority: str | None = None
    flags: tuple[tuple[str, str], ...] = ()  # (kind, note)
    note: str = ""  # the timeline's system entry; "" writes none
    audit_action: str = "ticket.rules_applied"
    audit_data: dict = field(default_factory=dict)
    allocation: Allocation | None = None


# No savepoint of its own inside the caller's transaction (routing's): a failure here undoes the
# whole routing, and a stored route saves two statements.
@transaction.atomic(savepoint=False)
def apply_decision(*, ticket_id, decision: TicketDecision, actor=None) -> Ticket:
    """Write the decision on the ticket (locked). A routing decision is announced as
    ``ticket.routed`` whether or not it changed anything; rules' changes as ``ticket.updated``
    with ``cause`` "routing" (routing does not react to its own changes)."""
    return apply_decisions(decisions=[(ticket_id, decision)], actor=actor)[0]


@transaction.atomic(savepoint=False)
def apply_decisions(*, decisions: list[tuple[object, TicketDecision]], actor=None) -> list[Ticket]:
    """``apply_decision`` for many tickets, ``(ticket_id, decision)`` each, in a constant few
    statements: one lock, one update, the flag service's few (tickets.actions.flags), one
    insert each of system entries, audit rows and events. Each ticket's rows and events come
    in the order one call would write them (its flags, then the decision). Returns the
    tickets in the order given."""
    tickets = lock_tickets([ticket_id for ticket_id, _ in decisions])
    applied = [(tickets[ticket_id], decision) for ticket_id, decision in decisions]
    changes = [_set_fields(ticket, decision) for ticket, decision in applied]
    pairs = list(zip([ticket for ticket, _ in applied], changes, strict=True))
    _save_changed([ticket for ticket, changed in pairs if changed])
    _attach_teams([ticket for ticket, changed in pairs if "team" in changed])
    # Through the flag service: each flag once, with its own line, audit row and event (and
    # a legal flag only when a legal team is configured).
    flag_tickets(
        wanted=[
            (ticket, kind, note) for ticket, decision in applied for kind, note in decision.flags
        ],
        actor=actor,
    )
    record_system_entries(
        entries=[(ticket, decision.note) for ticket, decision in applied if decision.note],
        actor=actor,
    )
    audits, events = [], []
    for (ticket, decision), changed in zip(applied, changes, strict=True):
        audits += _audit_rows(ticket, decision, changed, actor)
        events += _events(ticket, decision, changed, actor)
    record_audit_rows(audits)
    publish_ticket_events(events)
    return [ticket for ticket, _ in applied]


def _save_changed(tickets: list[Ticket]) -> None:
    """One UPDATE for every changed ticket. The fields one ticket did not change are written
    with the values it has (locked, so current); bulk_update skips auto_now, hence updated_at."""
    if not tickets:
        return
    now = timezone.now()
    for ticket in tickets:
        ticket.priority_score = score_of(ticket)
        ticket.updated_at = now
    # bulk_set, not bulk_update: its CASE WHEN per row and field cost more than the update.
    bulk_set(Ticket, tickets, ["team", "category", "priority", "priority_score", "updated_at"])


def _attach_teams(tickets: list[Ticket]) -> None:
    """The moved tickets' new teams, in one query: the events name them (setting team_id
    forgot the team the lock's query brought)."""
    if not tickets:
        return
    teams = Team.objects.in_bulk({ticket.team_id for ticket in tickets})
    for ticket in tickets:
        ticket.team = teams[Team._meta.pk.to_python(ticket.team_id)]


def _audit_rows(ticket: Ticket, decision: TicketDecision, changed: dict, actor) -> list[AuditRow]:
    if not changed and decision.allocation is None:
        return []
    data = {**decision.audit_data, "changes": changed}
    return [AuditRow(decision.audit_action, ticket.pk, data, actor)]


def _events(ticket: Ticket, decision: TicketDecision, changed: dict, actor) -> list[tuple]:
    allocation = decision.allocation
    if allocation is not None:
        event = ticket_event(
            TICKET_ROUTED,
            ticket=ticket,
            actor=actor,
            changed=changed,
            decision=allocation.decision_id,
            method=allocation.method,
            rule_event=allocation.rule_event,
            suggested_agent=allocation.suggested_agent_id,
        )
        return [event]
    if changed:
        return [
            ticket_event(
                TICKET_UPDATED, ticket=ticket, actor=actor, changed=changed, cause=CAUSE_ROUTING
            )
        ]
    return []


def _set_fields(ticket: Ticket, decision: TicketDecision) -> dict:
    changed = {}
    wanted = {"category": decision.category, "priority": decision.priority}
    for name, value in wanted.items():
        if value is not None and getattr(ticket, name) != value:
            changed[name] = [getattr(ticket, name), value]
            setattr(ticket, name, value)
    if decision.team_id is not None and str(ticket.team_id) != str(decision.team_id):
        changed["team"] = [str(ticket.team_id) if ticket.team_id else None, str(decision.team_id)]
        ticket.team_id = decision.team_id  # Django forgets the cached team with it
    return changed
