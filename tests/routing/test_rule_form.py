"""The rule form without JSON: rows in, the same stored rule as the YAML import, and the YAML
export that import_rules reads back unchanged."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from routing.actions.config import import_rules
from routing.admin.rules import export_text
from routing.models import RoutingRule
from routing.rule_files import dump_rules, parse_rules_file
from tests.factories import AgentFactory
from tests.routing.rule_form_data import add_url, change_url, rule_form

pytestmark = pytest.mark.django_db

RULES_YAML = """\
- name: vip-network
  order: 10
  active: true
  stop: false
  trigger:
    event: ticket.created
    conditions:
    - priority:
        in:
        - critical
        - high
    - title:
        matches: (?i)vpn|tunnel
    - tier: vip
  action:
    type: assign
    to: team:network
- name: old-and-waiting
  order: 20
  active: false
  stop: true
  trigger:
    event: ticket.updated
    conditions:
    - age_hours: 4
    - flags: legal
    - text:
        contains: 'lawyer: urgent'
  actions:
  - type: set_priority
    value: high
  - type: add_flag
    value: vip
  - type: notify
    to: managers
    message: A legal case is waiting.
  - type: set_category
    value: legal
"""


def _errors(response) -> list:
    form = response.context["adminform"].form
    return [form.errors, form.conditions.errors, form.actions.errors]


def _stored(rule: RoutingRule) -> dict:
    fields = ("name", "order", "active", "stop", "event", "conditions", "actions")
    return {name: getattr(rule, name) for name in fields}


def test_export_then_import_then_export_is_byte_identical(team):
    import_rules(text=RULES_YAML)
    first = export_text(RoutingRule.objects.order_by("order", "name"))
    assert first == RULES_YAML  # the canonical spelling is the one a person writes
    RoutingRule.objects.all().delete()
    import_rules(text=first)
    assert export_text(RoutingRule.objects.order_by("order", "name")) == first


def test_long_hand_yaml_is_stored_in_the_one_canonical_spelling():
    text = (
        "- name: a\n  trigger:\n    event: ticket.created\n    conditions:\n"
        "      - requester_tier: {equals: vip}\n      - age_hours: {gte: 4.0}\n"
        "      - priority: [high]\n  action: {type: assign, to: 'team:network'}\n"
    )
    (spec,) = parse_rules_file(text)
    assert spec["conditions"] == [{"tier": "vip"}, {"age_hours": 4}, {"priority": {"in": ["high"]}}]
    assert parse_rules_file(dump_rules([RoutingRule(**spec).document()])) == [spec]


def test_the_export_action_answers_the_import_rules_file(client, admin_user, tmp_path, team):
    import_rules(text=RULES_YAML)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:routing_routingrule_changelist"),
        {
            "action": "export_yaml",
            "_selected_action": list(RoutingRule.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml"
    assert "routing-rules.yaml" in response["Content-Disposition"]
    assert response.content.decode() == RULES_YAML
    path = tmp_path / "rules.yaml"
    path.write_bytes(response.content)
    RoutingRule.objects.all().delete()
    call_command("import_rules", str(path))
    assert export_text(RoutingRule.objects.order_by("order", "name")) == RULES_YAML


def test_the_form_stores_what_the_yaml_import_stores(client, admin_user, team):
    agent = AgentFactory(teams=[team], email="ann@example.com")
    client.force_login(admin_user)
    data = rule_form(
        name="form-rule",
        order=30,
        conditions=[
            {"field": "priority", "op": "in", "choices": ["critical", "high"]},
            {"field": "title", "op": "matches", "text": "(?i)vpn|tunnel"},
            {"field": "age_hours", "op": "gte", "number": "4"},
            {"field": "category", "op": "in", "text": "network, wifi"},
        ],
        actions=[
            {"type": "assign", "to": f"agent:{agent.email}"},
            {"type": "notify", "to": "team", "message": "Look at this"},
            {"type": "add_flag", "flag": "vip"},
        ],
    )
    response = client.post(add_url(), data)
    assert response.status_code == 302, _errors(response)
    from_form = _stored(RoutingRule.objects.get(name="form-rule"))
    yaml_text = """\
- name: form-rule
  order: 30
  trigger:
    event: ticket.created
    conditions:
      - priority: {in: [critical, high]}
      - title: {matches: "(?i)vpn|tunnel"}
      - age_hours: 4
      - category: {in: [network, wifi]}
  actions:
    - {type: assign, to: "agent:ann@example.com"}
    - {type: notify, to: team, message: Look at this}
    - {type: add_flag, value: vip}
"""
    assert from_form == {k: v for k, v in parse_rules_file(yaml_text)[0].items()}
    RoutingRule.objects.all().delete()
    import_rules(text=yaml_text)
    assert _stored(RoutingRule.objects.get(name="form-rule")) == from_form


def test_rows_are_stored_in_the_order_the_page_gives_them_and_removed_rows_go(
    client, admin_user, team, other_team
):
    client.force_login(admin_user)
    data = rule_form(
        name="ordered",
        conditions=[
            {"field": "source", "op": "equals", "choices": "email", "ORDER": 2},
            {"field": "type", "op": "equals", "choices": "incident", "ORDER": 1},
            {"field": "status", "op": "equals", "choices": "new", "ORDER": 3, "DELETE": True},
        ],
        actions=[
            {"type": "set_priority", "priority": "high", "ORDER": 2},
            {"type": "assign", "to": "team:apps", "ORDER": 1},
        ],
    )
    assert client.post(add_url(), data).status_code == 302
    rule = RoutingRule.objects.get(name="ordered")
    assert rule.conditions == [{"type": "incident"}, {"source": "email"}]
    assert rule.actions == [
        {"type": "assign", "to": "team:apps"},
        {"type": "set_priority", "value": "high"},
    ]


def test_an_existing_rule_shows_its_rows_and_saves_back_unchanged(client, admin_user, team):
    import_rules(text=RULES_YAML)
    rule = RoutingRule.objects.get(name="old-and-waiting")
    before = _stored(rule)
    client.force_login(admin_user)
    page = client.get(change_url(rule))
    form = page.context["adminform"].form
    assert [row.initial for row in form.conditions] == [
        {"field": "age_hours", "op": "gte", "number": 4},
        {"field": "flags", "op": "contains", "text": "legal"},
        {"field": "text", "op": "contains", "text": "lawyer: urgent"},
    ]
    data = rule_form(
        name=rule.name,
        event=rule.event,
        order=rule.order,
        active=False,
        stop=True,
        initial=(3, 4),
        conditions=[{k: str(v) for k, v in row.initial.items()} for row in form.conditions],
        actions=[{k: v for k, v in row.initial.items() if v} for row in form.actions],
    )
    assert client.post(change_url(rule), data).status_code == 302
    rule.refresh_from_db()
    assert _stored(rule) == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"field": "title", "op": "matches", "text": "(unclosed"}, "bad regular expression"),
        ({"field": "priority", "op": "equals", "choices": ["high", "low"]}, "exactly one"),
        ({"field": "priority", "op": "in", "choices": ["email"]}, "Not a priority: email"),
        ({"field": "age_hours", "op": "gte", "text": "soon"}, "Give a number"),
        ({"field": "category", "op": "equals", "text": ""}, "Give a value"),
        ({"field": "age_hours", "op": "contains", "text": "4"}, "is a number"),
    ],
)
def test_a_bad_condition_row_is_refused_with_its_reason(client, admin_user, team, row, message):
    client.force_login(admin_user)
    assign = {"type": "assign", "to": "team:network"}
    data = rule_form(name="bad", conditions=[row], actions=[assign])
    response = client.post(add_url(), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RoutingRule.objects.filter(name="bad").exists()


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ([], "at least one action"),
        ([{"type": "assign", "to": ""}], "&#x27;to&#x27; must be text"),
        ([{"type": "set_priority", "priority": ""}], "set_priority needs value"),
        ([{"type": "notify", "to": "nobody"}], "Select a valid choice"),
        ([{"type": "notify", "to": ""}], "&#x27;to&#x27; must be text"),
    ],
)
def test_a_bad_action_row_is_refused_with_its_reason(client, admin_user, team, actions, message):
    client.force_login(admin_user)
    response = client.post(add_url(), rule_form(name="bad", conditions=[], actions=actions))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_the_add_page_renders_the_rows_the_panel_and_the_script(client, admin_user, team):
    client.force_login(admin_user)
    page = client.get(add_url()).content.decode()
    assert 'id="rule-conditions"' in page and 'id="rule-actions"' in page
    assert '<template class="rule-empty">' in page and "conditions-__prefix__-field" in page
    assert 'id="try-it"' in page and "js/rule_form.js" in page
    assert '<optgroup label="Teams">' in page and 'value="team:network"' in page
    assert "<script>" not in page  # the CSP runs no inline code
