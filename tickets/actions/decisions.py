"""Applying what another app decided for a ticket: routing's allocation, or the actions of
routing rules on any event. Routing computes; this module writes the ticket (team, category,
priority, flags) with one system entry, one audit row and one event, like any other change of
those fields, so the SLA clock follows a new priority or category whoever asked."""

from dataclasses import dataclass, field

from django.db import transaction

from core.audit import record_audit
from tickets.actions.flags import flag_ticket
from tickets.actions.journal import record_system_entry
from tickets.events import CAUSE_ROUTING, TICKET_ROUTED, TICKET_UPDATED, publish_ticket_event
from tickets.models import Ticket
from tickets.priority import score_of
from tickets.selectors import lock_ticket


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
    ticket = lock_ticket(ticket_id)
    changed = _set_fields(ticket, decision)
    if changed:
        ticket.priority_score = score_of(ticket)
        ticket.save(update_fields=[*changed, "priority_score", "updated_at"])
    for kind, note in decision.flags:
        flag_ticket(ticket=ticket, actor=actor, kind=kind, note=note, data={"by": "routing"})
    if decision.note:
        record_system_entry(ticket=ticket, content=decision.note, actor=actor)
    if changed or decision.allocation is not None:
        data = {**decision.audit_data, "changes": changed}
        record_audit(actor=actor, action=decision.audit_action, ticket=ticket, data=data)
    if decision.allocation is not None:
        publish_ticket_event(
            TICKET_ROUTED,
            ticket=ticket,
            actor=actor,
            changed=changed,
            decision=decision.allocation.decision_id,
            method=decision.allocation.method,
            rule_event=decision.allocation.rule_event,
            suggested_agent=decision.allocation.suggested_agent_id,
        )
    elif changed:
        publish_ticket_event(
            TICKET_UPDATED, ticket=ticket, actor=actor, changed=changed, cause=CAUSE_ROUTING
        )
    return ticket


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
