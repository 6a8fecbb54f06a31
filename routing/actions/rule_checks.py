"""What a rule names must exist, and a condition on a field with a closed set of values must use
one of them. routing.rules checks a rule's shape and knows nothing of the project; this checks
the shaped rule against the project as it stands. Without it a rule naming a team that does not
exist, or ``priority: urgent``, was stored and never acted: a matching ticket fell back to
scoring, silently. Every door that writes rules comes here through routing.actions.config (the
API, the admin's rule form and change list, the YAML import, a restore of an earlier version).

Free-text fields (category, title, description, text, flags) are not checked: categories are
whatever tickets and teams say (team capabilities, triage keywords), not a closed set. A team
that is inactive still exists: a rule naming it is accepted (the team may come back), and the
engine notes the rule cannot act meanwhile."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models.functions import Lower

from org.models import Team
from routing.rules import parse_condition
from tickets.lifecycle import TicketStatus
from tickets.mentions import staff_users
from tickets.models import Priority, TicketType
from tickets.requesters import Tier

# The sources a ticket may come from besides the integration plugins (desk, portal, API, mail).
BUILT_IN_SOURCES = ("web", "portal", "api", "email")
# On this event ``status`` is the envelope's, not the ticket's (escalations.actions.age_rules).
ENVELOPE_STATUS_EVENT = "escalation.age_exceeded"
# What ``status`` means on an event an app above routing raises, as that app registers it
# (escalations stands above routing: it says its envelope statuses from its ready()).
_EVENT_STATUSES: dict[str, tuple[tuple[str, str], ...]] = {}
# Only these operators compare with a whole value; contains and matches take any text.
VALUE_OPS = ("equals", "in")


@dataclass(frozen=True)
class RuleProblem:
    """One thing a rule names that the project lacks. ``part`` is "conditions" or "actions";
    ``index`` counts from 1 in the rule's own order, as a person reads it."""

    part: str
    index: int
    message: str

    def __str__(self) -> str:
        kind = "condition" if self.part == "conditions" else "action"
        return f"{kind} {self.index}: {self.message}"


def event_statuses(event: str, choices) -> None:
    """``status`` in a rule of ``event`` is one of these (value, label) pairs, not a ticket's."""
    _EVENT_STATUSES[event] = tuple((str(value), str(label)) for value, label in choices)


def status_choices(event: str) -> list[tuple[str, str]]:
    return list(_EVENT_STATUSES.get(event, TicketStatus.choices))


def every_status_choice() -> list[tuple[str, str]]:
    """A ticket's statuses, then those of the events that have their own (the admin's list)."""
    merged = {value: (value, label) for value, label in TicketStatus.choices}
    for choices in _EVENT_STATUSES.values():
        merged.update({value: (value, label) for value, label in choices if value not in merged})
    return list(merged.values())


def known_sources() -> tuple[str, ...]:
    return tuple(sorted({*BUILT_IN_SOURCES, *getattr(settings, "INTEGRATION_SOURCES", {})}))


def closed_values(event: str) -> dict[str, tuple[str, ...]]:
    """The condition fields whose values form a closed set, with that set, on ``event``."""
    status = [value for value, _ in status_choices(event)]
    return {
        "priority": tuple(Priority.values),
        "type": tuple(TicketType.values),
        "status": tuple(status),
        "tier": tuple(Tier.values),
        "source": known_sources(),
    }


def rules_problems(specs: Sequence[Mapping]) -> list[list[RuleProblem]]:
    """For each shaped rule (routing.rules.validate_rule's result), what it names that the
    project lacks. Two queries for the lot, however many rules (an import checks a file)."""
    teams = _existing_teams({slug for spec in specs for slug in named_teams(spec)})
    agents = _existing_agents({email for spec in specs for email in _named_agents(spec)})
    return [_problems(spec, teams, agents) for spec in specs]


def rule_problems(spec: Mapping) -> list[RuleProblem]:
    return rules_problems([spec])[0]


# --- what a rule names ---------------------------------------------------------------------


def _condition_values(item) -> tuple[str, list]:
    condition = parse_condition(item)
    if condition.op not in VALUE_OPS:
        return condition.field, []
    values = condition.value if isinstance(condition.value, list) else [condition.value]
    return condition.field, values


def _targets(spec: Mapping, kind: str) -> Iterable[str]:
    for action in spec["actions"]:
        to = str(action.get("to") or "")
        if action["type"] in ("assign", "notify") and to.startswith(f"{kind}:"):
            yield to.partition(":")[2]


def named_teams(spec: Mapping) -> set[str]:
    slugs = set(_targets(spec, "team"))
    for item in spec["conditions"]:
        field_name, values = _condition_values(item)
        if field_name == "team":
            slugs.update(str(value) for value in values)
    return slugs


def _named_agents(spec: Mapping) -> set[str]:
    return {email.strip().lower() for email in _targets(spec, "agent")}


def _existing_teams(slugs: set[str]) -> set[str]:
    if not slugs:
        return set()
    # Slugs are stored as written; a condition compares without case, an assign exactly.
    lowered = {slug.lower() for slug in slugs}
    rows = Team.objects.annotate(low=Lower("slug")).filter(low__in=lowered)
    return set(rows.values_list("slug", flat=True))


def _existing_agents(emails: set[str]) -> set[str]:
    """The e-mails (lower case) of active staff users among ``emails``: who the engine can
    assign to (through their teams) and notifications can reach (notifications.recipients)."""
    if not emails:
        return set()
    users = staff_users().annotate(low=Lower("email"))
    return set(users.filter(low__in=emails).values_list("low", flat=True))


# --- the checks ----------------------------------------------------------------------------


def _problems(spec: Mapping, teams: set[str], agents: set[str]) -> list[RuleProblem]:
    problems = []
    allowed = closed_values(spec["event"])
    for index, item in enumerate(spec["conditions"], start=1):
        message = _condition_problem(item, allowed, {slug.lower() for slug in teams}, spec["event"])
        if message:
            problems.append(RuleProblem("conditions", index, message))
    for index, action in enumerate(spec["actions"], start=1):
        message = _action_problem(action, teams, agents)
        if message:
            problems.append(RuleProblem("actions", index, message))
    return problems


def _condition_problem(item, allowed: dict, teams: set[str], event: str) -> str:
    field_name, values = _condition_values(item)
    if field_name == "team":
        unknown = [str(v) for v in values if str(v).lower() not in teams]
        return f"no team has the slug {', '.join(map(repr, unknown))}" if unknown else ""
    if field_name not in allowed:
        return ""
    choices = allowed[field_name]
    unknown = [str(v) for v in values if str(v).lower() not in choices]
    if not unknown:
        return ""
    envelope = event == ENVELOPE_STATUS_EVENT and field_name == "status"
    whose = "escalation status" if envelope else field_name
    said = f"is not a known {whose}" if len(unknown) == 1 else f"are not known {whose} values"
    return f"{', '.join(map(repr, unknown))} {said} (one of: {', '.join(choices)})"


def _action_problem(action: Mapping, teams: set[str], agents: set[str]) -> str:
    if action["type"] not in ("assign", "notify"):
        return ""  # set_priority and add_flag are checked by routing.rules; categories are free
    kind, _, name = str(action.get("to") or "").partition(":")
    if kind == "team" and name and name not in teams:
        return f"no team has the slug {name!r}"
    if kind == "agent" and name.strip().lower() not in agents:
        return f"no active agent has the e-mail {name.strip()!r}"
    return ""
