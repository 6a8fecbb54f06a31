"""Routing rules as data: the YAML format, its validation and condition matching. Pure: no ORM.

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
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import yaml

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
OPERATORS = ("equals", "in", "contains", "matches", "gte", "lte")
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


def _line(node) -> int | None:
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
        op = {"age_hours": "gte", "flags": "contains"}.get(field_name, "equals")
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


def validate_conditions(conditions) -> list[Condition]:
    if not isinstance(conditions, list):
        raise RuleError("conditions must be a list", _line(conditions))
    parsed = []
    for item in conditions:
        try:
            parsed.append(parse_condition(item))
        except RuleError as error:
            raise RuleError(error.message, _line(item) or _line(conditions)) from None
    return parsed


def _check_target(to, allowed: tuple[str, ...]) -> None:
    if not isinstance(to, str):
        raise RuleError("'to' must be text such as team:<slug> or agent:<email>")
    kind, _, name = to.partition(":")
    if kind not in allowed or (kind in ("team", "agent") and not name.strip()):
        raise RuleError(f"'to' must be one of {', '.join(f'{a}:…' for a in allowed)}; got {to!r}")
    if kind == "agent" and "@" not in name:
        raise RuleError(f"agent target needs an e-mail address; got {to!r}")


def validate_action(action, flag_kinds: Iterable[str] | None = None) -> dict:
    if not isinstance(action, Mapping):
        raise RuleError("an action is a mapping with a `type`")
    kind = action.get("type")
    if kind not in ACTION_TYPES:
        raise RuleError(f"unknown action type {kind!r} (one of: {', '.join(ACTION_TYPES)})")
    allowed_keys = {"type", "to", "value", "message"}
    extra = sorted(set(action) - allowed_keys)
    if extra:
        raise RuleError(f"unknown action key(s): {', '.join(map(str, extra))}")
    value = action.get("value")
    if kind == "assign":
        _check_target(action.get("to"), ("team", "agent"))
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
        _check_target(action.get("to"), (*NOTIFY_TARGETS, "agent"))
        if "message" in action and not isinstance(action["message"], str):
            raise RuleError("notify message must be text")
    return {key: action[key] for key in ("type", "to", "value", "message") if key in action}


def validate_actions(actions, flag_kinds: Iterable[str] | None = None) -> list[dict]:
    if not isinstance(actions, list) or not actions:
        raise RuleError("a rule needs at least one action", _line(actions))
    result = []
    for action in actions:
        try:
            result.append(validate_action(action, flag_kinds))
        except RuleError as error:
            raise RuleError(error.message, _line(action) or _line(actions)) from None
    return result


def validate_rule(entry, position: int, flag_kinds: Iterable[str] | None = None) -> dict:
    """One entry of the YAML list -> the fields of a RoutingRule. Raises RuleError."""
    line = _line(entry)
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
            _line(trigger) or line,
        )
    extra = sorted(set(map(str, trigger)) - {"event", "conditions"})
    if extra:
        raise RuleError(f"rule {name!r}: unknown trigger key(s) {', '.join(extra)}", _line(trigger))
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
        validate_conditions(trigger.get("conditions") or [])
        actions = validate_actions(actions, flag_kinds)
    except RuleError as error:
        raise RuleError(f"rule {name!r}: {error.message}", error.line or line) from None
    return {
        "name": name.strip(),
        "event": event,
        "conditions": _plain(trigger.get("conditions") or []),
        "actions": actions,
        "order": order,
        "active": active,
        "stop": stop,
    }


def _plain(value):
    """Drop the line-tracking containers: JSON-ready dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_document(rule: Mapping) -> dict:
    """A stored rule in the YAML/API shape (`action` when there is one, else `actions`)."""
    document = {
        "name": rule["name"],
        "order": rule["order"],
        "active": rule["active"],
        "stop": rule["stop"],
        "trigger": {"event": rule["event"], "conditions": rule["conditions"]},
    }
    actions = rule["actions"]
    if len(actions) == 1:
        document["action"] = actions[0]
    else:
        document["actions"] = actions
    return document


# --- YAML with line numbers ----------------------------------------------------------------


class _LineDict(dict):
    line: int | None = None


class _LineList(list):
    def __init__(self, items=(), line: int | None = None) -> None:
        super().__init__(items)
        self.line = line


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader, node):
    data = _LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node, deep=True))


def _construct_seq(loader, node):
    data = _LineList(line=node.start_mark.line + 1)
    yield data
    data.extend(loader.construct_sequence(node, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(text: str):
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        line = mark.line + 1 if mark else None
        raise RuleFileError([RuleError(f"not valid YAML: {reason}", line)]) from None


def parse_rules_file(text: str, flag_kinds: Iterable[str] | None = None) -> list[dict]:
    """Every rule of a rules file, or RuleFileError listing every problem (line and reason)."""
    document = load_yaml(text)
    if isinstance(document, Mapping) and "rules" in document:
        document = document["rules"]
    if not isinstance(document, list) or not document:
        raise RuleFileError([RuleError("the file must be a non-empty list of rules", 1)])
    rules, problems, seen = [], [], {}
    for position, entry in enumerate(document, start=1):
        try:
            rule = validate_rule(entry, position, flag_kinds)
        except RuleError as error:
            problems.append(error)
            continue
        if rule["name"] in seen:
            problems.append(
                RuleError(
                    f"rule {rule['name']!r} appears twice (first on line {seen[rule['name']]})",
                    _line(entry),
                )
            )
        seen[rule["name"]] = _line(entry)
        rules.append(rule)
    if problems:
        raise RuleFileError(problems)
    return rules


def parse_weights_file(text: str, weight_names: Iterable[str]) -> dict[str, dict[str, float]]:
    """The ``scoring:`` block -> {category ("" default): {weight_name: value}}.

    ``scoring:`` holds the seven ``<factor>_weight`` values; an optional ``categories:``
    mapping inside it holds per-category overrides in the same shape. Each set must name
    all seven weights, each in [0, 1], summing to 1.
    """
    names = tuple(weight_names)
    document = load_yaml(text)
    if not isinstance(document, Mapping) or not isinstance(document.get("scoring"), Mapping):
        raise RuleFileError([RuleError("the file needs a `scoring:` mapping", 1)])
    block = dict(document["scoring"])
    overrides = block.pop("categories", {}) or {}
    problems: list[RuleError] = []
    sets = {"": (block, _line(document["scoring"]))}
    if not isinstance(overrides, Mapping):
        problems.append(RuleError("`categories` must map a category to its weights", 1))
        overrides = {}
    for category, values in overrides.items():
        sets[str(category).strip().lower()] = (values, _line(values))
    result = {}
    for category, (values, line) in sets.items():
        label = f"category {category!r}" if category else "scoring"
        if not isinstance(values, Mapping):
            problems.append(RuleError(f"{label}: expected a mapping of weights", line))
            continue
        unknown = sorted(set(map(str, values)) - set(names))
        missing = [name for name in names if name not in values]
        if unknown:
            problems.append(RuleError(f"{label}: unknown key(s) {', '.join(unknown)}", line))
        if missing:
            problems.append(RuleError(f"{label}: missing {', '.join(missing)}", line))
        if unknown or missing:
            continue
        bad = [
            n
            for n in names
            if isinstance(values[n], bool)
            or not isinstance(values[n], int | float)
            or not 0 <= values[n] <= 1
        ]
        if bad:
            problems.append(RuleError(f"{label}: {', '.join(bad)} must be in [0, 1]", line))
            continue
        total = sum(float(values[n]) for n in names)
        if abs(total - 1.0) > 1e-6:
            problems.append(RuleError(f"{label}: weights sum to {total:.4f}, not 1", line))
            continue
        result[category] = {n: float(values[n]) for n in names}
    if problems:
        raise RuleFileError(problems)
    return result


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
