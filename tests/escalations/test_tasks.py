"""The escalation.age_exceeded beat task: set-based, each rule fires once per envelope."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction

from core import tasks as core_tasks
from escalations import tasks
from escalations.actions import age_rules, envelopes
from escalations.models import EscalationRuleFiring
from notifications.models import Notification, NotificationQueue
from tests import factories
from tests.commits import QueuedDeliverer
from tests.escalations.factories import EnvelopeFactory
from tests.routing.factories import RoutingRuleFactory
from tickets.actions import lifecycle, updates

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def watchers(db):
    """The escalation-managers team and one member, who the rules notify."""
    team = factories.TeamFactory(slug="escalation-managers")
    return factories.AgentFactory(teams=[team])


def age_rule(hours: float, status: str = "pending", **extra):
    return RoutingRuleFactory(
        name=extra.pop("name", f"escalation_{status}_{hours}h"),
        event="escalation.age_exceeded",
        conditions=[{"age_hours": hours}, {"status": status}, *extra.pop("conditions", [])],
        actions=[
            {
                "type": "notify",
                "to": "team:escalation-managers",
                "message": "Escalation {escalation.id} waiting " + f"{hours:g}+ hours",
            }
        ],
        **extra,
    )


def tick(traveller, hours: float) -> int:
    traveller.move_to(T0 + timedelta(hours=hours))
    return tasks.fire_age_rules.delay().get()


def test_the_rule_fires_once_when_the_envelope_is_old_enough(clock, owned, agent, dba, watchers):
    rule = age_rule(4)
    envelope = envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="x")

    assert tick(clock, 3.9) == 0
    assert tick(clock, 4.1) == 1
    assert tick(clock, 5) == 0  # not again on the next ticks
    assert tick(clock, 48) == 0

    firing = EscalationRuleFiring.objects.get()
    assert (firing.rule, firing.envelope) == (rule, envelope)
    assert [a["type"] for a in firing.actions] == ["notify"]
    alerts = Notification.objects.filter(user=watchers, event_type="alert")
    assert alerts.count() == 1
    queued = NotificationQueue.objects.get(user=watchers, event_type="alert")
    assert queued.payload["message"] == f"Escalation {envelope.pk} waiting 4+ hours"


def test_no_rule_fires_for_an_envelope_whose_ticket_was_resolved_after_the_tick_read_it(
    clock, owned, agent, dba, watchers, monkeypatch
):
    """The tick found the envelope open (its query runs before any lock); the ticket was
    resolved before the firing locked it, and the envelope's cancellation has not arrived
    (escalations hears of the resolve after its commit): the firing finds the ticket resolved."""
    rule = age_rule(4)
    envelope = envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="x")
    clock.move_to(T0 + timedelta(hours=5))
    found = list(
        age_rules.envelopes_due_for_rule(rule_id=rule.pk, statuses={"pending"}, opened_before=None)
    )
    assert found == [envelope]
    monkeypatch.setattr(core_tasks, "deliverer", QueuedDeliverer())  # the resolve's event waits
    lifecycle.resolve_ticket(ticket_id=owned.pk, actor=agent, resolution="done")
    envelope.refresh_from_db()
    assert envelope.status == "pending"
    now = T0 + timedelta(hours=5)
    fired = age_rules._fire_rule(
        rule_id=rule.pk, envelope_id=envelope.pk, ticket_id=owned.pk, now=now
    )
    assert fired == 0 and not EscalationRuleFiring.objects.exists()


def test_each_rule_fires_once_per_envelope(clock, owned, agent, dba, other_team, watchers):
    age_rule(4)
    age_rule(8)
    envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="a")
    clock.move_to(T0 + timedelta(hours=2))
    envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=other_team, reason="b")

    assert tick(clock, 4.5) == 1  # the first envelope, 4 h rule
    assert tick(clock, 6.5) == 1  # the second envelope, 4 h rule
    assert tick(clock, 9) == 1  # the first envelope, 8 h rule
    assert tick(clock, 12) == 1  # the second envelope, 8 h rule
    assert tick(clock, 30) == 0
    assert EscalationRuleFiring.objects.count() == 4


def test_the_status_condition_is_the_envelopes(clock, owned, agent, dba, expert, watchers):
    age_rule(1, status="active")
    envelope = envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="x")
    assert tick(clock, 2) == 0  # pending, not active
    envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)
    assert tick(clock, 3) == 1
    assert tick(clock, 4) == 0


def test_closed_envelopes_and_inactive_or_other_rules_never_fire(
    clock, owned, agent, dba, watchers
):
    age_rule(1, name="inactive", active=False)
    RoutingRuleFactory(
        event="sla.warning",
        conditions=[],
        actions=[{"type": "notify", "to": "team:escalation-managers"}],
    )
    age_rule(1)
    envelope = envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="x")
    envelopes.cancel_envelope(envelope_id=envelope.pk, actor=agent)
    assert tick(clock, 5) == 0
    assert not Notification.objects.filter(user=watchers).exists()


def test_ticket_conditions_are_the_engines_and_a_late_match_still_fires(
    clock, owned, agent, dba, watchers
):
    age_rule(1, conditions=[{"priority": "critical"}])
    envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="x")
    assert tick(clock, 2) == 0
    assert not EscalationRuleFiring.objects.exists()  # no match: nothing recorded
    updates.update_ticket(ticket_id=owned.pk, actor=agent, changes={"priority": "critical"})
    assert tick(clock, 3) == 1
    assert tick(clock, 4) == 0


def test_a_rule_fires_at_most_once_per_envelope_even_when_written_twice(owned, dba, watchers):
    rule = age_rule(1)
    envelope = EnvelopeFactory(ticket=owned, team=dba)
    EscalationRuleFiring.objects.create(rule=rule, envelope=envelope)
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationRuleFiring.objects.create(rule=rule, envelope=envelope)


@pytest.mark.parametrize("rows", [5, 50])
def test_a_tick_with_nothing_new_is_set_based(
    clock, owned, agent, dba, watchers, rows, django_assert_max_num_queries
):
    rules = [age_rule(1), age_rule(2)]
    envelopes = EnvelopeFactory.create_batch(rows, ticket=owned, team=dba, requested_by=agent)
    EscalationRuleFiring.objects.bulk_create(
        EscalationRuleFiring(rule=rule, envelope=envelope)
        for rule in rules
        for envelope in envelopes
    )
    clock.move_to(T0 + timedelta(hours=5))
    with django_assert_max_num_queries(3):  # the rules, then one query per rule
        assert age_rules.fire_age_rules() == 0
