"""Routing rules as data: the format, its validation and condition matching (the rules file:
routing.rule_files). Pure: no ORM.

A rule (the format of ``import_rules`` and of the API)::

    - name: route_critical_to_senior
      order: 10            # optional (default: position in the file x 10); lower runs first
      active: true         # optional
      stop: false          # optional: when it matches, later rules are not evaluated
      trigger:
        event: ticket.created
        conditions:        # all must hold
          - priority: critical                 # equals (case-insensitive)
          - priority: {in: [critical, high]}
          - title: {matches: "(?i)vpn|tunnel"} # regular expression
          - text: {contains: outage}           # title and description together
          - age_hours: 4                       # a bare number on age_hours means gte
          - flags: vip                         # a bare value on flags means contains
      action:              # or `actions:` with a list of them
        type: assign       # assign | set_priority | set_category | add_flag | notify
        to: team:senior-support                # or agent:<email>

Conditions are stored (and exported) in one spelling, ``condition_document``: the bare value
for the field's default operator, else ``{field: {op: value}}``; so the YAML, the API and the
admin's rule form store the same rule alike. A notify goes ``to`` owner, team (the ticket's),
managers, requester, team:<slug> or agent:<email>.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from routing.snapshots import PRIORITIES, TicketSnapshot

EVENTS = (
    "ticket.created",
    "ticket.updated",
    "escalation.age_exceeded",
    "sla.warning",
    "sla.breached",
)
FIELDS = (
    "priority",
    "type",
    "category",
    "source",
    "status",
    "tier",
    "flags",
    "team",
    "age_hours",
    "title",
    "description",
    "text",
)
FIELD_ALIASES = {"requester_tier": "tier", "keywords": "text"}
NUMERIC_FIELDS = frozenset({"age_hours"})
DEFAULT_OPS = {"age_hours": "gte", "flags": "contains"}  # a bare value's operator (else equals)
OPERATORS = ("equals", "in", "contains", "matches", "gte", "lte")
ACTION_KEYS = ("type", "to", "value", "message")
ACTION_TYPES = ("assign", "set_priority", "set_category", "add_flag", "notify")
NOTIFY_TARGETS = ("requester", "owner", "team", "managers")
RULE_KEYS = frozenset({"name", "order", "active", "stop", "trigger", "action", "actions"})


class RuleError(ValueError):
    """One invalid rule or condition; ``line`` is the YAML line when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


class RuleFileError(ValueError):
    """A whole file refused, with every problem found (line and reason)."""

    def __init__(self, problems: list[RuleError]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: object


# --- validation ----------------------------------------------------------------------------


def line_of(node) -> int | None:
    return getattr(node, "line", None)


def parse_condition(item) -> Condition:
    if not isinstance(item, Mapping) or len(item) != 1:
        raise RuleError("a condition is a mapping with one key, e.g. `priority: critical`")
    ((name, spec),) = item.items()
    field_name = FIELD_ALIASES.get(str(name), str(name))
    if field_name not in FIELDS:
        raise RuleError(f"unknown condition field {name!r} (one of: {', '.join(FIELDS)})")
    if isinstance(spec, Mapping):
        if len(spec) != 1:
            raise RuleError(f"condition on {name!r} needs exactly one operator")
        ((op, value),) = spec.items()
    elif isinstance(spec, list):
        op, value = "in", spec
    else:
        op = DEFAULT_OPS.get(field_name, "equals")
        value = spec
    if op not in OPERATORS:
        raise RuleError(f"unknown operator {op!r} (one of: {', '.join(OPERATORS)})")
    _check_operand(field_name, op, value)
    return Condition(field_name, op, value)


def _check_operand(field_name: str, op: str, value) -> None:
    if op in ("gte", "lte") or field_name in NUMERIC_FIELDS:
        if op not in ("gte", "lte", "equals", "in"):
            raise RuleError(f"{field_name!r} is a number: use equals, in, gte or lte")
        values = value if op == "in" else [value]
        if not isinstance(values, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            raise RuleError(f"{op!r} on {field_name!r} needs a number")
        return
    if op == "in":
        if not isinstance(value, list) or not value:
            raise RuleError(f"'in' on {field_name!r} needs a non-empty list")
        if not all(isinstance(v, str | int | float) for v in value):
            raise RuleError(f"'in' on {field_name!r} needs a list of plain values")
        return
    if not isinstance(value, str | int | float) or isinstance(value, bool) or value == "":
        raise RuleError(f"{op!r} on {field_name!r} needs a non-empty text value")
    if op == "matches":
        try:
            re.compile(str(value))
        except re.error as error:
            raise RuleError(f"bad regular expression {value!r}: {error}") from error


def _canonical_value(value):
    if isinstance(value, list):
        return [_canonical_value(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def condition_document(condition: Condition) -> dict:
    """The one spelling a condition is stored and exported in (the inverse of
    ``parse_condition``): the bare value for the field's default operator, else
    ``{field: {op: value}}``. Every door (YAML, API, admin form) stores this shape."""
    value = _canonical_value(condition.value)
    if condition.op == DEFAULT_OPS.get(condition.field, "equals") and not isinstance(value, list):
        return {condition.field: value}
    return {condition.field: {condition.op: value}}


def validate_conditions(conditions) -> list[Condition]:
    if not isinstance(conditions, list):
        raise RuleError("conditions must be a list", line_of(conditions))
    parsed = []
    for item in conditions:
        try:
            parsed.append(parse_condition(item))
        except RuleError as error:
            raise RuleError(error.message, line_of(item) or line_of(conditions)) from None
    return parsed


def _check_target(to, allowed: tuple[str, ...], named: tuple[str, ...]) -> None:
    """``named`` kinds need a name after the colon; the others may stand alone (a notify's
    bare ``team`` is the ticket's team, as notifications.subscribers reads it)."""
    if not isinstance(to, str):
        raise RuleError("'to' must be text such as team:<slug> or agent:<email>")
    kind, _, name = to.partition(":")
    if kind not in allowed or (kind in named and not name.strip()):
        shapes = [f"{a}:…" if a in named else a for a in allowed]
        raise RuleError(f"'to' must be one of {', '.join(shapes)}; got {to!r}")
    if kind == "agent" and "@" not in name:
        raise RuleError(f"agent target needs an e-mail address; got {to!r}")


def validate_action(action, flag_kinds: Iterable[str] | None = None) -> dict:
    if not isinstance(action, Mapping):
        raise RuleError("an action is a mapping with a `type`")
    kind = action.get("type")
    if kind not in ACTION_TYPES:
        raise RuleError(f"unknown action type {kind!r} (one of: {', '.join(ACTION_TYPES)})")
    extra = sorted(set(action) - set(ACTION_KEYS))
    if extra:
        raise RuleError(f"unknown action key(s): {', '.join(map(str, extra))}")
    value = action.get("value")
    if kind == "assign":
        _check_target(action.get("to"), ("team", "agent"), named=("team", "agent"))
    elif kind == "set_priority":
        if value not in PRIORITIES:
            raise RuleError(f"set_priority needs value one of {', '.join(PRIORITIES)}")
    elif kind == "set_category":
        if not isinstance(value, str) or not value.strip():
            raise RuleError("set_category needs a non-empty value")
    elif kind == "add_flag":
        kinds = tuple(flag_kinds) if flag_kinds is not None else None
        if not isinstance(value, str) or (kinds is not None and value not in kinds):
            raise RuleError(f"add_flag needs value one of {', '.join(kinds or ('<flag>',))}")
    elif kind == "notify":
        _check_target(action.get("to"), (*NOTIFY_TARGETS, "agent"), named=("agent",))
        if "message" in action and not isinstance(action["message"], str):
            raise RuleError("notify message must be text")
    return {key: action[key] for key in ACTION_KEYS if key in action}


def validate_actions(actions, flag_kinds: Iterable[str] | None = None) -> list[dict]:
    if not isinstance(actions, list) or not actions:
        raise RuleError("a rule needs at least one action", line_of(actions))
    result = []
    for action in actions:
        try:
            result.append(validate_action(action, flag_kinds))
        except RuleError as error:
            raise RuleError(error.message, line_of(action) or line_of(actions)) from None
    return result


def validate_rule(entry, position: int, flag_kinds: Iterable[str] | None = None) -> dict:
    """One entry of the YAML list -> the fields of a RoutingRule. Raises RuleError."""
    line = line_of(entry)
    if not isinstance(entry, Mapping):
        raise RuleError("each rule is a mapping with name, trigger and action", line)
    unknown = sorted(set(map(str, entry)) - RULE_KEYS)
    if unknown:
        raise RuleError(f"unknown key(s): {', '.join(unknown)}", line)
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        raise RuleError("`name` is required (text, at most 120 characters)", line)
    trigger = entry.get("trigger")
    if not isinstance(trigger, Mapping):
        raise RuleError(f"rule {name!r}: `trigger` with an `event` is required", line)
    event = trigger.get("event")
    if event not in EVENTS:
        raise RuleError(
            f"rule {name!r}: unknown event {event!r} (one of: {', '.join(EVENTS)})",
            line_of(trigger) or line,
        )
    extra = sorted(set(map(str, trigger)) - {"event", "conditions"})
    if extra:
        raise RuleError(
            f"rule {name!r}: unknown trigger key(s) {', '.join(extra)}", line_of(trigger)
        )
    if ("action" in entry) == ("actions" in entry):
        raise RuleError(f"rule {name!r}: give exactly one of `action` or `actions`", line)
    actions = [entry["action"]] if "action" in entry else entry["actions"]
    order = entry.get("order", position * 10)
    active, stop = entry.get("active", True), entry.get("stop", False)
    if not isinstance(order, int) or isinstance(order, bool):
        raise RuleError(f"rule {name!r}: `order` must be a whole number", line)
    if not isinstance(active, bool) or not isinstance(stop, bool):
        raise RuleError(f"rule {name!r}: `active` and `stop` are true or false", line)
    try:
        conditions = validate_conditions(trigger.get("conditions") or [])
        actions = validate_actions(actions, flag_kinds)
    except RuleError as error:
        raise RuleError(f"rule {name!r}: {error.message}", error.line or line) from None
    return {
        "name": name.strip(),
        "event": event,
        "conditions": [condition_document(condition) for condition in conditions],
        "actions": actions,
        "order": order,
        "active": active,
        "stop": stop,
    }


def to_document(rule: Mapping) -> dict:
    """A stored rule in the YAML/API shape (`action` when there is one, else `actions`)."""
    document = {
        "name": rule["name"],
        "order": rule["order"],
        "active": rule["active"],
        "stop": rule["stop"],
        "trigger": {"event": rule["event"], "conditions": rule["conditions"]},
    }
    # In action-key order: PostgreSQL's jsonb keeps no key order, and the export must not vary.
    actions = [{key: a[key] for key in ACTION_KEYS if key in a} for a in rule["actions"]]
    if len(actions) == 1:
        document["action"] = actions[0]
    else:
        document["actions"] = actions
    return document


# --- matching ------------------------------------------------------------------------------


def facts_of(ticket: TicketSnapshot, now: datetime, extra: Mapping | None = None) -> dict:
    age = (now - ticket.created_at).total_seconds() / 3600 if ticket.created_at else 0.0
    facts = {
        "priority": ticket.priority,
        "type": ticket.type,
        "category": ticket.category,
        "source": ticket.source,
        "status": ticket.status,
        "tier": ticket.tier,
        "flags": sorted(ticket.flags),
        "team": ticket.team_slug,
        "age_hours": age,
        "title": ticket.title,
        "description": ticket.description,
        "text": f"{ticket.title}\n{ticket.description}",
    }
    facts.update(extra or {})
    return facts


def _norm(value):
    return value.lower() if isinstance(value, str) else value


def condition_holds(condition: Condition, facts: Mapping) -> bool:
    fact = facts.get(condition.field)
    op, value = condition.op, condition.value
    if fact is None:
        return False
    if isinstance(fact, list):  # flags: the condition holds when it holds for one of them
        return any(condition_holds(Condition("_", op, value), {"_": item}) for item in fact)
    if op == "gte":
        return isinstance(fact, int | float) and fact >= value
    if op == "lte":
        return isinstance(fact, int | float) and fact <= value
    if op == "in":
        return _norm(fact) in {_norm(v) for v in value}
    if op == "contains":
        return str(value).lower() in str(fact).lower()
    if op == "matches":
        return re.search(str(value), str(fact)) is not None
    if isinstance(fact, int | float) and isinstance(value, int | float):
        return fact == value
    return str(fact).lower() == str(value).lower()


def rule_matches(conditions: Iterable, facts: Mapping) -> bool:
    return all(condition_holds(parse_condition(item), facts) for item in conditions)
