"""The rule form's "try it": the rule set with the form's unsaved rule, run on a stored ticket or
a pasted StandardTicket, shows the rule that fires and the decision, and stores nothing."""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditLog, ConfigChange, EventReceipt, OutboxEvent
from routing.models import AllocationDecision, RoutingRule
from tests.routing.factories import RoutingRuleFactory, unrouted_ticket
from tests.routing.rule_form_data import rule_form
from tickets.models import CaseFlag, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db

TABLES = (
    AllocationDecision,
    TimelineEntry,
    AuditLog,
    OutboxEvent,
    EventReceipt,
    ConfigChange,
    RoutingRule,
    Ticket,
    CaseFlag,
    LogEntry,
)
WRITES = ("INSERT", "UPDATE", "DELETE")


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def try_url(rule=None) -> str:
    if rule is None:
        return reverse("admin:routing_routingrule_try_add")
    return reverse("admin:routing_routingrule_try", args=[rule.pk])


def two_conditions_to_apps(**extra) -> dict:
    return (
        rule_form(
            name="sap-to-apps",
            order=5,
            conditions=[
                {"field": "title", "op": "contains", "text": "SAP"},
                {"field": "priority", "op": "in", "choices": ["high", "critical"]},
            ],
            actions=[
                {"type": "assign", "to": "team:apps"},
                {"type": "add_flag", "flag": "vip"},
            ],
        )
        | extra
    )


def post_without_writes(client, url: str, data: dict):
    before = counts()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITES) and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert counts() == before
    return response


def test_an_unsaved_new_rule_is_tried_on_a_stored_ticket(client, admin_user, team, other_team):
    ticket = unrouted_ticket(title="SAP login fails", priority="high", category="network")
    to_network = [{"type": "assign", "to": "team:network"}]
    RoutingRuleFactory(name="network-first", order=50, actions=to_network)
    client.force_login(admin_user)
    response = post_without_writes(
        client, try_url(), two_conditions_to_apps(try_reference=ticket.reference)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<strong id="try-fired">sap-to-apps</strong>' in page
    assert '<strong id="try-team">Apps</strong>' in page
    assert "add_flag vip (rule sap-to-apps)" in page
    assert "Rules run, in order: sap-to-apps, network-first" in page
    assert not RoutingRule.objects.filter(name="sap-to-apps").exists()


def test_the_form_as_it_stands_replaces_the_stored_rule(client, admin_user, team, other_team):
    rule = RoutingRuleFactory(
        name="sap-to-apps",
        conditions=[{"title": {"contains": "printer"}}],
        actions=[{"type": "assign", "to": "team:network"}],
    )
    ticket = unrouted_ticket(title="SAP login fails", priority="high", category="network")
    client.force_login(admin_user)
    data = two_conditions_to_apps(try_reference=str(ticket.pk))
    page = post_without_writes(client, try_url(rule), data).content.decode()
    assert '<strong id="try-team">Apps</strong>' in page
    unmatched = data | {"conditions-1-choices": ["low"]}
    page = post_without_writes(client, try_url(rule), unmatched).content.decode()
    assert '<strong id="try-fired">none</strong>' in page
    rule.refresh_from_db()
    assert rule.conditions == [{"title": {"contains": "printer"}}]


def test_a_pasted_standard_ticket_is_decided_without_being_stored(
    client, admin_user, team, other_team
):
    client.force_login(admin_user)
    pasted = {"ticket_id": "EXT-1", "title": "SAP is down", "priority": "critical"}
    data = two_conditions_to_apps(try_ticket=json.dumps(pasted))
    page = post_without_writes(client, try_url(), data).content.decode()
    assert "For <strong>EXT-1</strong>" in page
    assert '<strong id="try-team">Apps</strong>' in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "Give a ticket reference or paste a ticket, not both."),
        ({"try_reference": "INC-0000-000000"}, "No ticket INC-0000-000000."),
        ({"try_ticket": "{not json"}, "Not JSON"),
        ({"try_ticket": '{"title": "no id"}'}, "ticket_id: This field is required."),
    ],
)
def test_a_bad_ticket_is_named(client, admin_user, other_team, extra, message):
    client.force_login(admin_user)
    page = post_without_writes(client, try_url(), two_conditions_to_apps(**extra))
    assert message in page.content.decode()


def test_a_bad_rule_is_named_and_not_tried(client, admin_user, other_team):
    ticket = unrouted_ticket(title="SAP")
    client.force_login(admin_user)
    data = two_conditions_to_apps(try_reference=ticket.reference)
    data["conditions-0-op"], data["conditions-0-text"] = "matches", "(SAP"
    page = post_without_writes(client, try_url(), data).content.decode()
    assert "Condition 1: bad regular expression" in page
    assert 'id="try-team"' not in page


def test_trying_needs_the_admin(client, agent):
    client.force_login(agent)
    response = client.post(try_url(), two_conditions_to_apps(try_reference="x"))
    assert response.status_code == 302 and "/login/" in response["Location"]
