"""Running the rules of an event other than routing itself (ticket.updated or ticket.created
on a ticket that already has a team, sla.warning, sla.breached, escalation.age_exceeded), and
telling people what a rule's ``notify`` asks: routing decides, the ticket's action applies
(tickets.actions.decisions), the notifications app delivers (``routing.alert`` events)."""

from django.db import transaction

from routing.actions.effects import publish_alerts, rule_flags
from routing.decide import prepare_decision
from routing.models import AllocationDecision
from tickets.actions.decisions import TicketDecision, apply_decision
from tickets.selectors import lock_ticket


@transaction.atomic
def apply_rules(
    *, ticket_id, event: str, facts: dict | None = None, rule_ids=None, assign: bool = True
) -> list[dict]:
    """Run the active rules of ``event`` on a ticket: set_priority, set_category, add_flag and
    notify apply; an assign moves the ticket to that team unless ``assign`` is off (a team a
    person chose is kept). ``facts`` adds or overrides condition fields (e.g. ``{"status":
    "pending", "age_hours": 5, "escalation.id": ...}``); ``rule_ids`` limits the run to those
    rules (a caller that fires each rule once, e.g. escalations). Returns the actions applied."""
    ticket = lock_ticket(ticket_id)
    _, prepared = prepare_decision(ticket_id=ticket_id, event=event, facts=facts, rule_ids=rule_ids)
    decision = prepared.decision
    applied = list(decision.effects)
    team_id = None
    if assign and decision.method == AllocationDecision.Method.RULE and decision.team is not None:
        team_id = decision.team.team_id
        applied.insert(0, {"type": "assign", "to": f"team:{decision.team.slug}"})
    changes = decision.changes
    apply_decision(
        ticket_id=ticket_id,
        decision=TicketDecision(
            team_id=team_id,
            category=changes.get("category"),
            priority=changes.get("priority"),
            flags=rule_flags(decision.effects),
            audit_data={"event": event},
        ),
    )
    publish_alerts(ticket=ticket, effects=decision.effects, event=event, facts=facts or {})
    return applied
