"""Rules on every event they may name run, once per occurrence, and what they change is applied
by the ticket's action like any other change: the SLA clock follows a priority a rule raised,
a routed ticket tells its team and the agent routing suggests."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from notifications.models import Notification
from routing.actions.config import import_rules
from sla.actions import scan
from sla.models import SLAClock
from tests import factories
from tests.sla.factories import PolicyFactory
from tickets.actions import creation, updates
from tickets.models import CaseFlag, Ticket

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def new_ticket(actor, **overrides) -> Ticket:
    values = {"title": "VPN keeps dropping", "requester_email": "ann@customer.example"}
    return creation.create_ticket(actor=actor, data=creation.NewTicket(**(values | overrides)))


@pytest.fixture
def policies(db):
    """One policy per priority of network incidents: low is slow, critical is fast."""
    return {
        priority: PolicyFactory(
            name=f"Network {priority}",
            priority=priority,
            type="incident",
            category="network",
            first_response_minutes=minutes,
            resolution_minutes=minutes * 4,
        )
        for priority, minutes in (("low", 480), ("critical", 15))
    }


def test_a_priority_raised_by_a_routing_rule_retargets_the_sla_clock(manager, team, policies):
    import_rules(
        text="""
- name: vpn_is_critical
  trigger: {event: ticket.created, conditions: [{title: {contains: vpn}}]}
  action: {type: set_priority, value: critical}
"""
    )
    with time_machine.travel(T0, tick=False):
        ticket = new_ticket(manager, priority="low", category="network")

    ticket.refresh_from_db()
    clock = SLAClock.objects.get(ticket=ticket)
    assert ticket.priority == "critical"
    assert clock.policy == policies["critical"]  # not the low policy it started on
    assert clock.first_response_due == T0 + timedelta(minutes=15)
    assert ticket.priority_score == 100.0


def test_a_ticket_updated_rule_runs_on_each_update_and_keeps_the_chosen_team(
    manager, team, other_team, settings
):
    settings.ITSM_LEGAL_TEAM = other_team.slug  # a legal flag needs a legal team
    import_rules(
        text="""
- name: legal_words_flag_it
  trigger: {event: ticket.updated, conditions: [{text: {contains: lawyer}}]}
  actions: [{type: add_flag, value: legal}, {type: assign, to: team:apps}]
"""
    )
    ticket = new_ticket(manager, team=team)
    updates.update_ticket(
        ticket_id=ticket.pk, actor=manager, changes={"description": "Our lawyer asks"}
    )
    ticket.refresh_from_db()
    assert list(ticket.flags.values_list("kind", flat=True)) == ["legal"]
    assert ticket.team == team  # a team a person chose is kept


def test_an_sla_breached_rule_runs_once_per_breach(manager, agent, team, policies):
    import_rules(
        text="""
- name: breached_goes_to_managers
  trigger: {event: sla.breached, conditions: [{priority: low}]}
  actions:
    - {type: add_flag, value: vip}
    - {type: notify, to: managers, message: "{ticket.reference} breached"}
"""
    )
    with time_machine.travel(T0, tick=False):
        ticket = new_ticket(manager, team=team, priority="low", category="network")
    for minutes in (481, 482, 600):  # the first response breaches once; later scans see it
        scan.scan(now=T0 + timedelta(minutes=minutes))

    alerts = Notification.objects.filter(user=manager, event_type="alert")
    assert [n.body for n in alerts] == [f"{ticket.reference} breached"]
    assert CaseFlag.objects.filter(ticket=ticket, kind="vip").count() == 1


def test_a_routed_ticket_tells_its_team_and_the_suggested_agent(manager, team):
    colleague = factories.AgentFactory(teams=[team])
    suggested = factories.AgentFactory(teams=[team])

    ticket = new_ticket(manager, category="network")

    decision = ticket.allocation_decisions.get()
    assert decision.assigned_user is not None
    routed = Notification.objects.filter(ticket=ticket, event_type="routed")
    told = set(routed.values_list("user_id", flat=True))
    asked = decision.assigned_user_id
    assert told == {colleague.pk, suggested.pk} - {asked}
    assert list(
        Notification.objects.filter(ticket=ticket, event_type="suggested").values_list(
            "user_id", flat=True
        )
    ) == [asked]
