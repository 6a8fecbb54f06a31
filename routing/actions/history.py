"""Going back to an earlier version of the rule set or of the scoring weights: every object
changed since the chosen change (core.config_history) is written back, through the same actions
as any other change (validated, audited, and itself recorded, so a restore can be undone)."""

from django.db import transaction

from core.audit import record_audit
from core.config_history import states_after
from core.exceptions import DomainValidationError
from core.models import ConfigChange
from routing.actions.config import (
    RULE_TYPE,
    WEIGHTS_TYPE,
    delete_rule,
    delete_weights,
    save_rule,
    save_weights,
)
from routing.models import RoutingRule, ScoringWeights


def _change(change_id: int, object_type: str) -> ConfigChange:
    change = ConfigChange.objects.filter(pk=change_id, object_type=object_type).first()
    if change is None:
        raise DomainValidationError({"change": [f"No change #{change_id} of this kind."]})
    return change


@transaction.atomic
def restore_rules(*, actor, change_id: int) -> int:
    """The rule set as it was right after change ``change_id``. Returns the rules written."""
    _change(change_id, RULE_TYPE)
    states = states_after(RULE_TYPE, change_id)
    note = f"restored to change #{change_id}"
    rows = {str(r.pk): r for r in RoutingRule.objects.filter(pk__in=_ids(states))}
    # Deletions first, so a rule restored under a name a later rule took finds it free.
    for object_id, state in states.items():
        if state is None and object_id in rows:
            delete_rule(actor=actor, rule=rows[object_id], note=note)
    _write_rules(actor, {k: v for k, v in states.items() if v is not None}, rows, note)
    record_audit(
        actor=actor,
        action="routing.rules_restored",
        data={"change": change_id, "written": len(states)},
    )
    return len(states)


@transaction.atomic
def restore_weights(*, actor, change_id: int) -> int:
    """Every set of weights as it was right after change ``change_id``."""
    _change(change_id, WEIGHTS_TYPE)
    states = states_after(WEIGHTS_TYPE, change_id)
    note = f"restored to change #{change_id}"
    rows = {str(w.pk): w for w in ScoringWeights.objects.filter(pk__in=_ids(states))}
    for object_id, state in states.items():
        if state is None and object_id in rows:
            delete_weights(actor=actor, weights=rows[object_id], note=note)
    for object_id, state in states.items():
        if state is not None:
            values = {name: value for name, value in state.items() if name != "category"}
            existing = (
                rows.get(object_id)
                or ScoringWeights.objects.filter(category=state["category"]).first()
            )
            save_weights(
                actor=actor,
                category=state["category"],
                values=values,
                weights=existing,
                note=note,
            )
    record_audit(
        actor=actor,
        action="routing.weights_restored",
        data={"change": change_id, "written": len(states)},
    )
    return len(states)


def _write_rules(actor, pending: dict[str, dict], rows: dict, note: str) -> None:
    """Each rule back to its state, a rule whose old name another pending rule still holds
    after that one (a rename chain); names that swap cannot be ordered and are refused."""
    while pending:
        held = {rows[oid].name: oid for oid in pending if oid in rows}
        ready = [oid for oid, state in pending.items() if held.get(state["name"], oid) == oid]
        if not ready:
            names = ", ".join(sorted(state["name"] for state in pending.values()))
            raise DomainValidationError(
                {"change": [f"Rules {names} swap names: rename one of them, then restore."]}
            )
        for oid in ready:
            rows[oid] = save_rule(
                actor=actor, document=pending.pop(oid), rule=rows.get(oid), note=note
            )


def _ids(states: dict) -> list[int]:
    return [int(object_id) for object_id in states if object_id.isdigit()]
