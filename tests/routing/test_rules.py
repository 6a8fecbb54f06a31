"""The rules format (YAML import and API) and condition matching. Pure: no database."""

from datetime import timedelta
from pathlib import Path

import pytest

from routing.models import WEIGHT_FIELDS
from routing.rule_files import parse_rules_file, parse_weights_file
from routing.rules import RuleFileError, facts_of, rule_matches
from tests.routing.factories import WEDNESDAY_10_UTC, ticket_snapshot

# Copies of the samples beside the integration contract: the suite needs nothing outside
# the repository.
FIXTURES = Path(__file__).resolve().parent / "data"
FLAGS = ("vip", "legal")


def test_the_shared_fixture_parses():
    rules = parse_rules_file((FIXTURES / "routing_rules.yaml").read_text())
    assert [r["name"] for r in rules] == ["route_critical_to_senior", "escalation_timeout_warning"]
    first, second = rules
    assert first["event"] == "ticket.created"
    assert first["conditions"] == [{"priority": "critical"}, {"type": "incident"}]
    assert first["actions"] == [{"type": "assign", "to": "team:senior-support"}]
    assert (first["order"], first["active"], first["stop"]) == (10, True, False)
    assert second["actions"][0]["message"] == "Escalation {escalation.id} waiting 4+ hours"


def test_the_shared_scoring_fixture_parses():
    sets = parse_weights_file((FIXTURES / "scoring.yaml").read_text(), WEIGHT_FIELDS)
    assert sets[""]["availability_weight"] == 0.25
    assert sum(sets[""].values()) == pytest.approx(1.0)


BAD_FILES = [
    (
        "- name: a\n  trigger:\n    event: ticket.exploded\n  action: {type: assign, to: team:x}\n",
        3,
        "unknown event",
    ),
    (
        "- name: a\n  trigger:\n    event: ticket.created\n    conditions:\n      - colour: red\n"
        "  action: {type: assign, to: team:x}\n",
        5,
        "unknown condition field",
    ),
    (
        "- name: a\n  trigger:\n    event: ticket.created\n    conditions:\n"
        "      - title: {matches: '(unclosed'}\n  action: {type: assign, to: team:x}\n",
        5,
        "bad regular expression",
    ),
    (
        "- name: a\n  trigger: {event: ticket.created}\n  action:\n    type: assign\n    to: x\n",
        4,
        "'to' must be",
    ),
    (
        "- name: a\n  trigger: {event: ticket.created}\n  action: {type: explode}\n",
        3,
        "unknown action type",
    ),
    ("- name: a\n  trigger: {event: ticket.created}\n", 1, "exactly one of"),
    (
        "- name: a\n  trigger: {event: ticket.created}\n  action: {type: add_flag, value: nope}\n",
        3,
        "add_flag needs",
    ),
    ("- name: a\n  trigger: {event: ticket.created\n", 3, "not valid YAML"),
    ("just text\n", 1, "non-empty list"),
    (
        "- name: a\n  trigger:\n    event: ticket.created\n    conditions:\n"
        "      - age_hours: many\n"
        "  action: {type: assign, to: team:x}\n",
        5,
        "needs a number",
    ),
]


@pytest.mark.parametrize(("text", "line", "reason"), BAD_FILES)
def test_invalid_files_are_refused_with_line_and_reason(text, line, reason):
    with pytest.raises(RuleFileError) as error:
        parse_rules_file(text, FLAGS)
    problem = error.value.problems[0]
    assert reason in str(problem)
    assert problem.line == line
    assert f"line {line}:" in str(error.value)


def test_every_problem_is_reported_and_duplicates_named():
    text = (
        "- name: a\n  trigger: {event: ticket.created}\n  action: {type: assign, to: team:x}\n"
        "- name: a\n  trigger: {event: ticket.created}\n  action: {type: assign, to: team:y}\n"
        "- name: b\n  trigger: {event: nope}\n  action: {type: assign, to: team:x}\n"
    )
    with pytest.raises(RuleFileError) as error:
        parse_rules_file(text)
    messages = [str(p) for p in error.value.problems]
    assert len(messages) == 2
    assert "appears twice (first on line 1)" in messages[0]
    assert "unknown event" in messages[1]


def test_weights_must_name_all_seven_and_sum_to_one():
    bad_sum = "scoring:\n" + "".join(f"  {name}: 0.2\n" for name in WEIGHT_FIELDS)
    with pytest.raises(RuleFileError, match=r"sum to 1\.4000"):
        parse_weights_file(bad_sum, WEIGHT_FIELDS)
    with pytest.raises(RuleFileError, match="missing"):
        parse_weights_file("scoring:\n  availability_weight: 1\n", WEIGHT_FIELDS)
    with pytest.raises(RuleFileError, match="needs a `scoring:`"):
        parse_weights_file("weights: {}\n", WEIGHT_FIELDS)


def test_weights_with_category_overrides():
    block = "".join(f"    {n}: {1.0 if n == 'availability_weight' else 0}\n" for n in WEIGHT_FIELDS)
    default = "".join(
        f"  {n}: {v}\n"
        for n, v in zip(WEIGHT_FIELDS, (0.25, 0.15, 0.2, 0.2, 0.1, 0.05, 0.05), strict=True)
    )
    text = f"scoring:\n{default}  categories:\n    Network:\n{block.replace('    ', '      ')}"
    sets = parse_weights_file(text, WEIGHT_FIELDS)
    assert sets["network"]["availability_weight"] == 1.0


def facts(**overrides):
    ticket = ticket_snapshot(
        title="VPN tunnel down",
        description="Since the upgrade",
        flags=frozenset({"vip"}),
        tier="premium",
        **overrides,
    )
    return facts_of(ticket, WEDNESDAY_10_UTC + timedelta(hours=5))


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ([{"priority": "MEDIUM"}], True),
        ([{"priority": {"in": ["critical", "high"]}}], False),
        ([{"priority": ["medium", "low"]}], True),
        ([{"title": {"contains": "tunnel"}}], True),
        ([{"text": {"contains": "upgrade"}}], True),
        ([{"description": {"matches": "^Since"}}], True),
        ([{"title": {"matches": "^vpn"}}], False),
        ([{"age_hours": 4}], True),
        ([{"age_hours": {"lte": 4}}], False),
        ([{"flags": "vip"}], True),
        ([{"flags": "legal"}], False),
        ([{"requester_tier": "premium"}, {"category": "network"}], True),
        ([{"requester_tier": "premium"}, {"category": "sap"}], False),
        ([{"team": "network"}], False),
        ([], True),
    ],
)
def test_condition_matching(conditions, expected):
    assert rule_matches(conditions, facts()) is expected


def test_extra_facts_override_for_other_events():
    extra = facts_of(ticket_snapshot(), WEDNESDAY_10_UTC, {"status": "pending", "age_hours": 5})
    assert rule_matches([{"age_hours": 4}, {"status": "pending"}], extra)
