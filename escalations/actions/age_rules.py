"""The ``escalation.age_exceeded`` rules: an envelope left open too long fires each matching
rule once. Routing's engine decides whether a rule matches and its actions apply like any
rule's (routing.actions.rules); this app keeps which rule fired for which envelope."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from escalations.lifecycle import OPEN_ENVELOPE_STATUSES
from escalations.models import EscalationRuleFiring
from escalations.selectors import envelopes_due_for_rule, lock_envelope
from routing.actions.rules import apply_rules
from routing.models import RoutingEvent, RoutingRule
from routing.rules import RuleError, parse_condition
from tickets.selectors import lock_ticket

AGE_EVENT = RoutingEvent.ESCALATION_AGE_EXCEEDED


def fire_age_rules(*, now=None) -> int:
    """Fire the active ``escalation.age_exceeded`` rules on open envelopes, each rule at most
    once per envelope. Per rule, one query finds the open envelopes it has not fired for yet
    (narrowed by its ``age_hours`` / ``status`` conditions); the routing engine then decides
    whether the rule matches (envelope facts: status, age_hours, escalation.*) and applies
    its actions (``notify`` goes through notifications). Returns the firings."""
    now = now or timezone.now()
    rules = RoutingRule.objects.filter(event=AGE_EVENT, active=True).order_by("order", "name")
    fired = 0
    for rule_id, conditions in rules.values_list("pk", "conditions"):
        statuses, min_age = _narrowing(conditions)
        if not statuses:
            continue
        opened_before = now - timedelta(hours=min_age) if min_age is not None else None
        due = envelopes_due_for_rule(
            rule_id=rule_id, statuses=statuses, opened_before=opened_before
        )
        for envelope_id, ticket_id in due.values_list("pk", "ticket_id"):
            fired += _fire_rule(
                rule_id=rule_id, envelope_id=envelope_id, ticket_id=ticket_id, now=now
            )
    return fired


def _narrowing(conditions) -> tuple[frozenset[str], float | None]:
    """What the rule's conditions say about the envelope's status and age, to narrow the query:
    the statuses it can match and the least age (hours). Matching itself is the engine's."""
    statuses, min_age = set(OPEN_ENVELOPE_STATUSES), None
    for item in conditions or []:
        try:
            condition = parse_condition(item)
        except RuleError:
            return frozenset(), None  # an invalid stored rule never matches
        if condition.field == "status" and condition.op in ("equals", "in"):
            values = condition.value if condition.op == "in" else [condition.value]
            statuses &= {str(value).lower() for value in values}
        elif condition.field == "age_hours" and condition.op in ("gte", "equals"):
            min_age = max(min_age or 0.0, float(condition.value))
    return frozenset(statuses), min_age


@transaction.atomic
def _fire_rule(*, rule_id: int, envelope_id, ticket_id, now) -> int:
    ticket = lock_ticket(ticket_id)
    envelope = lock_envelope(envelope_id)
    already = EscalationRuleFiring.objects.filter(rule_id=rule_id, envelope=envelope).exists()
    if already or not envelope.is_open:
        return 0  # another beat run got here first, or the envelope just closed
    if not ticket.is_open:
        return 0  # resolved since the tick read it: the envelope's cancellation is on its way
    facts = {
        "status": envelope.status,
        "age_hours": (now - envelope.created_at).total_seconds() / 3600,
        "escalation.id": str(envelope.pk),
        "escalation.team": envelope.team.slug if envelope.team_id else "",
        "escalation.reason": envelope.reason,
    }
    applied = apply_rules(ticket_id=ticket_id, event=AGE_EVENT, facts=facts, rule_ids=[rule_id])
    if not applied:
        return 0  # the engine says it does not match (yet): look again next tick
    EscalationRuleFiring.objects.create(rule_id=rule_id, envelope=envelope, actions=applied)
    return 1
