"""A rule that names what the project lacks (a team slug, an agent, a value outside a closed
set) is refused with the reason at every door that writes rules: the API, the admin's rule form
and change list, the YAML import. Before, it was stored and never acted: a matching ticket fell
back to scoring without a word."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditLog, ConfigChange
from routing.models import RoutingRule
from tests.factories import AgentFactory
from tests.routing.factories import RoutingRuleFactory
from tests.routing.rule_form_data import change_url, rule_form

pytestmark = pytest.mark.django_db

RULES_URL = "/api/v1/routing/rules/"
PRIORITIES = "critical, high, medium, low"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def rule(*conditions, event: str = "ticket.created", to: str = "team:network", **action) -> dict:
    return {
        "name": "a-rule",
        "trigger": {"event": event, "conditions": list(conditions)},
        "action": {"type": "assign", "to": to, **action},
    }


def assert_nothing_written() -> None:
    assert not RoutingRule.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="routing.rule").exists()
    assert not ConfigChange.objects.exists()


# --- the API -------------------------------------------------------------------------------


def test_an_unknown_team_slug_is_400_naming_it(admin_user, team):
    response = api(admin_user).post(RULES_URL, rule(to="team:no-such-team"), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"action": ["action 1: no team has the slug 'no-such-team'."]}
    }
    assert_nothing_written()


def test_an_unknown_priority_is_400_listing_the_allowed_ones(admin_user, team):
    response = api(admin_user).post(RULES_URL, rule({"priority": "urgent"}), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "trigger": [f"condition 1: 'urgent' is not a known priority (one of: {PRIORITIES})."]
    }
    assert_nothing_written()


@pytest.mark.parametrize(
    ("document", "field", "words"),
    [
        (rule({"priority": {"in": ["high", "urgent"]}}), "trigger", "'urgent' is not a known"),
        (rule({"type": "bug"}), "trigger", "(one of: incident, request, change, problem)"),
        (rule({"status": "open"}), "trigger", "'open' is not a known status"),
        (rule({"tier": "gold"}), "trigger", "(one of: standard, premium, vip)"),
        (rule({"source": "fax"}), "trigger", "'fax' is not a known source"),
        (rule({"team": "no-such-team"}), "trigger", "no team has the slug 'no-such-team'"),
        # On escalation.age_exceeded the status is the envelope's.
        (
            rule({"status": "new"}, event="escalation.age_exceeded"),
            "trigger",
            "not a known escalation status (one of: pending, active, completed, cancelled)",
        ),
        (rule(to="agent:nobody@example.com"), "action", "no active agent has the e-mail"),
        (
            {**rule(), "action": {"type": "notify", "to": "team:no-such-team"}},
            "action",
            "no team has the slug 'no-such-team'",
        ),
    ],
)
def test_every_closed_value_and_reference_is_checked(admin_user, team, document, field, words):
    response = api(admin_user).post(RULES_URL, document, format="json")
    assert response.status_code == 400
    assert words in " ".join(response.json()["errors"][field])
    assert_nothing_written()


def test_every_problem_is_named_at_once_under_actions_when_the_rule_uses_actions(admin_user, team):
    document = {
        "name": "two-wrongs",
        "trigger": {"event": "ticket.created", "conditions": [{"priority": "urgent"}]},
        "actions": [{"type": "add_flag", "value": "vip"}, {"type": "assign", "to": "team:gone"}],
    }
    response = api(admin_user).post(RULES_URL, document, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["actions"] == ["action 2: no team has the slug 'gone'."]
    assert "condition 1: 'urgent'" in errors["trigger"][0]


def test_a_change_to_an_unknown_team_is_refused_and_the_rule_kept(admin_user, team):
    created = api(admin_user).post(RULES_URL, rule(), format="json")
    assert created.status_code == 201
    url = f"{RULES_URL}{created.json()['id']}/"
    response = api(admin_user).patch(
        url, {"action": {"type": "assign", "to": "team:gone"}}, format="json"
    )
    assert response.status_code == 400
    assert "no team has the slug 'gone'" in response.json()["errors"]["action"][0]
    assert RoutingRule.objects.get().actions == [{"type": "assign", "to": "team:network"}]


def test_real_teams_agents_and_values_are_accepted(admin_user, team, agent):
    document = {
        "name": "everything-known",
        "trigger": {
            "event": "ticket.updated",
            "conditions": [
                {"priority": {"in": ["Critical", "high"]}},  # compared without case, as matched
                {"type": "incident"},
                {"status": "in_progress"},
                {"tier": "vip"},
                {"source": "servicenow"},
                {"team": "network"},
                {"category": "anything-at-all"},  # categories are free text
                {"priority": {"contains": "crit"}},  # text operators take any text
            ],
        },
        "actions": [
            {"type": "assign", "to": f"agent:{agent.email.upper()}"},
            {"type": "notify", "to": "team:network", "message": "Look"},
        ],
    }
    response = api(admin_user).post(RULES_URL, document, format="json")
    assert response.status_code == 201, response.content
    escalation = rule({"status": "pending"}, {"age_hours": 4}, event="escalation.age_exceeded")
    escalation["name"] = "escalation-waits"
    assert api(admin_user).post(RULES_URL, escalation, format="json").status_code == 201
    assert RoutingRule.objects.count() == 2


def test_an_inactive_team_still_exists(admin_user, team):
    team.status = "inactive"
    team.save()
    assert api(admin_user).post(RULES_URL, rule(), format="json").status_code == 201


# --- the admin -----------------------------------------------------------------------------


def _resubmit(client, stored: RoutingRule):
    """The change form posted back as the page shows it (every row unchanged)."""
    form = client.get(change_url(stored)).context["adminform"].form
    conditions = [{k: v for k, v in row.initial.items()} for row in form.conditions]
    actions = [{k: v for k, v in row.initial.items() if v} for row in form.actions]
    data = rule_form(
        name=stored.name,
        order=stored.order,
        initial=(len(conditions), len(actions)),
        conditions=conditions,
        actions=actions,
    )
    return client.post(change_url(stored), data)


def test_the_admin_form_refuses_a_stored_rule_naming_a_missing_team(client, admin_user, team):
    # Stored before the check, or its team deleted since: the form shows it "(unknown)".
    stored = RoutingRuleFactory(actions=[{"type": "assign", "to": "team:gone"}])
    client.force_login(admin_user)
    response = _resubmit(client, stored)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == ["action 1: no team has the slug 'gone'."]
    assert not ConfigChange.objects.exists()


def test_the_admin_form_refuses_an_unknown_priority(client, admin_user, team):
    stored = RoutingRuleFactory(conditions=[{"priority": "urgent"}])
    client.force_login(admin_user)
    response = _resubmit(client, stored)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == [f"condition 1: 'urgent' is not a known priority (one of: {PRIORITIES})."]
    assert not ConfigChange.objects.exists()


def test_the_admin_form_saves_a_rule_naming_real_values(client, admin_user, team):
    stored = RoutingRuleFactory(conditions=[{"priority": "critical"}])
    client.force_login(admin_user)
    assert _resubmit(client, stored).status_code == 302
    assert AuditLog.objects.filter(action="routing.rule_saved").count() == 1


def test_an_escalation_rule_can_pick_an_envelope_status_in_the_admin(client, admin_user, team):
    client.force_login(admin_user)
    data = rule_form(
        name="waits",
        event="escalation.age_exceeded",
        conditions=[{"field": "status", "op": "equals", "choices": ["pending"]}],
        actions=[{"type": "notify", "to": "managers"}],
    )
    response = client.post(reverse("admin:routing_routingrule_add"), data)
    assert response.status_code == 302
    assert RoutingRule.objects.get().conditions == [{"status": "pending"}]


def test_the_change_list_refuses_an_inline_edit_of_a_broken_rule_with_its_reason(
    client, admin_user, team
):
    stored = RoutingRuleFactory(order=10, actions=[{"type": "assign", "to": "team:gone"}])
    client.force_login(admin_user)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(stored.pk),
        "form-0-order": "20",
        "form-0-active": "on",
        "_save": "Save",
    }
    response = client.post(reverse("admin:routing_routingrule_changelist"), data)
    assert response.status_code == 200  # not a 500 from the action at save
    assert "no team has the slug &#x27;gone&#x27;" in response.content.decode()
    stored.refresh_from_db()
    assert stored.order == 10


# The rows are read once (core.admin_formsets), checked only where changed; then one save.
QUERIES = 19


@pytest.mark.parametrize("rows", [3, 30])
def test_the_change_list_s_save_costs_the_same_queries_for_3_rows_or_30(
    client, admin_user, team, rows, django_assert_max_num_queries
):
    rules = [
        RoutingRuleFactory(
            name=f"r{n:02}", order=n, actions=[{"type": "assign", "to": "team:network"}]
        )
        for n in range(rows)
    ]
    client.force_login(admin_user)
    data = {"form-TOTAL_FORMS": str(rows), "form-INITIAL_FORMS": str(rows), "_save": "Save"}
    for n, rule in enumerate(rules):
        data |= {f"form-{n}-id": str(rule.pk), f"form-{n}-order": str(rule.order)}
        data |= {f"form-{n}-active": "on"}
    data["form-1-order"] = "99"  # one row changed, the others shown as they are
    with django_assert_max_num_queries(QUERIES):
        response = client.post(reverse("admin:routing_routingrule_changelist"), data)
    assert response.status_code == 302
    assert [r.order for r in RoutingRule.objects.filter(name="r01")] == [99]


def test_the_change_list_refuses_a_row_id_that_is_not_a_rule(client, admin_user, team):
    stored = RoutingRuleFactory(order=10, actions=[{"type": "assign", "to": "team:network"}])
    client.force_login(admin_user)
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "_save": "Save"}
    data |= {"form-0-id": str(stored.pk + 1000), "form-0-order": "20", "form-0-active": "on"}

    response = client.post(reverse("admin:routing_routingrule_changelist"), data)

    assert response.status_code == 200
    assert response.context["cl"].formset.errors[0]["id"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert RoutingRule.objects.get().order == 10


# --- the YAML import -----------------------------------------------------------------------

BAD_FILE = """\
- name: fine
  trigger: {event: ticket.created, conditions: [{priority: critical}]}
  action: {type: assign, to: 'team:network'}
- name: nowhere
  trigger: {event: ticket.created}
  action: {type: assign, to: 'team:no-such-team'}
- name: urgent
  trigger:
    event: ticket.created
    conditions:
      - priority: urgent
  action: {type: notify, to: managers}
"""


def test_the_import_refuses_the_whole_file_naming_each_problem(tmp_path: Path, team):
    path = tmp_path / "rules.yaml"
    path.write_text(BAD_FILE)
    with pytest.raises(CommandError) as error:
        call_command("import_rules", str(path))
    text = str(error.value)
    assert "line 4: rule 'nowhere': action 1: no team has the slug 'no-such-team'." in text
    assert (
        f"line 7: rule 'urgent': condition 1: 'urgent' is not a known priority "
        f"(one of: {PRIORITIES})." in text
    )
    assert "nothing was imported" in text
    assert_nothing_written()


def test_the_import_loads_rules_naming_real_teams_agents_and_values(tmp_path: Path, team):
    agent = AgentFactory(email="ana@example.com", teams=[team])
    path = tmp_path / "rules.yaml"
    path.write_text(
        BAD_FILE.replace("team:no-such-team", f"agent:{agent.email}").replace("urgent\n", "high\n")
    )
    call_command("import_rules", str(path))
    assert RoutingRule.objects.count() == 3
