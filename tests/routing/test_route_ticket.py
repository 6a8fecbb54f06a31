"""route_ticket and the other routing services, on the database."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import AuditLog
from routing import selectors
from routing.actions.metrics import refresh_team_metrics
from routing.actions.route import route_ticket, route_unrouted
from routing.actions.rules import apply_rules
from routing.decide import dry_run, prepare_decision
from routing.models import AllocationDecision, TeamMetrics
from tests import factories
from tests.routing.factories import (
    RoutingRuleFactory,
    ScoringWeightsFactory,
    default_weights,
    unrouted_ticket,
)
from tickets.guards import owner_write_allowed
from tickets.models import CaseFlag, Ticket, TimelineEntry
from tickets.priority import priority_score

pytestmark = pytest.mark.django_db


def open_ticket(team, status="in_progress", priority="medium", **kwargs):
    """A ticket of `team` already worked by someone (status other than new needs an owner)."""
    owner = kwargs.pop("owner", None) or factories.AgentFactory(teams=[team])
    with owner_write_allowed():
        return factories.TicketFactory(
            team=team, status=status, priority=priority, owner=owner, **kwargs
        )


def test_route_ticket_sets_team_stores_decision_and_writes_timeline_and_audit(team, other_team):
    agent = factories.AgentFactory(teams=[team])
    ticket = unrouted_ticket(category="network")

    decision = route_ticket(ticket_id=ticket.pk)

    ticket.refresh_from_db()
    assert ticket.team == team
    assert (decision.team, decision.method, decision.event) == (team, "scoring", "ticket.created")
    assert decision.assigned_user == agent
    assert decision.assigned_user_email == agent.email
    assert ticket.owner is None
    assert [c["group_id"] for c in decision.candidates] == [str(team.pk)]
    assert set(decision.scores) == {
        "availability",
        "bandwidth",
        "velocity",
        "performance",
        "proximity",
        "cultural_fit",
        "timezone",
        "composite",
    }
    assert decision.duration_ms > 0
    entry = TimelineEntry.objects.get(ticket=ticket, content__startswith="Routed to")
    assert entry.visibility == TimelineEntry.Visibility.INTERNAL
    assert AuditLog.objects.get(ticket_id=ticket.pk, action="ticket.routed").data["team"] == str(
        team.pk
    )


def test_routing_is_idempotent_and_leaves_closed_tickets_alone(team):
    ticket = unrouted_ticket(category="network")
    assert route_ticket(ticket_id=ticket.pk) is not None
    assert route_ticket(ticket_id=ticket.pk) is None
    assert AllocationDecision.objects.filter(ticket=ticket).count() == 1
    rerouted = route_ticket(ticket_id=ticket.pk, reroute=True)
    assert rerouted.event == "ticket.updated"
    assert AllocationDecision.objects.filter(ticket=ticket).count() == 2


def test_resolved_ticket_is_not_routed(team):
    ticket = open_ticket(team, status="resolved")
    Ticket.objects.filter(pk=ticket.pk).update(team=None)
    assert route_ticket(ticket_id=ticket.pk) is None


def test_triage_fills_a_missing_category(team, other_team):
    ticket = unrouted_ticket(category="", title="VPN keeps dropping", description="")
    decision = route_ticket(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.category == "network"
    assert decision.team == team


def test_keyword_of_the_category_makes_a_team_eligible(other_team):
    dns_team = factories.TeamFactory(slug="dns-people", capabilities=["dns"])
    decision = route_ticket(ticket_id=unrouted_ticket(category="network").pk)
    assert decision.team == dns_team  # "dns" is a keyword of network in the default map


def test_no_active_team_decides_nobody_and_keeps_the_ticket_unrouted(db):
    ticket = unrouted_ticket(category="network")
    decision = route_ticket(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert (decision.method, decision.team, ticket.team) == ("none", None, None)
    assert TimelineEntry.objects.filter(ticket=ticket, content__startswith="Not routed").exists()


def test_inactive_team_is_never_chosen(team, other_team):
    team.status = "inactive"
    team.save()
    decision = route_ticket(ticket_id=unrouted_ticket(category="network").pk)
    assert decision.team == other_team
    assert str(team.pk) not in [c["group_id"] for c in decision.candidates]


def test_assign_rule_decides_and_other_actions_apply(team, other_team):
    rule = RoutingRuleFactory(
        name="vip-sap",
        conditions=[{"title": {"matches": "(?i)invoice"}}],
        actions=[
            {"type": "set_priority", "value": "critical"},
            {"type": "add_flag", "value": "vip"},
            {"type": "assign", "to": "team:apps"},
        ],
    )
    ticket = unrouted_ticket(category="network", title="Invoice run fails")
    decision = route_ticket(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert (decision.method, decision.rule, decision.rule_name) == ("rule", rule, "vip-sap")
    assert (ticket.team, ticket.priority) == (other_team, "critical")
    assert ticket.priority_score == priority_score(  # the rule's vip flag counts as VIP
        priority="critical", tier="standard", status=ticket.status, vip_flagged=True
    )
    assert ticket.vip_flagged and CaseFlag.objects.filter(ticket=ticket, kind="vip").exists()
    assert decision.confidence == 1.0
    assert [a["type"] for a in decision.actions] == ["set_priority", "add_flag"]


def test_rule_order_and_stop(team, other_team):
    RoutingRuleFactory(name="late", order=20, actions=[{"type": "assign", "to": "team:network"}])
    RoutingRuleFactory(name="early", order=10, actions=[{"type": "assign", "to": "team:apps"}])
    assert route_ticket(ticket_id=unrouted_ticket().pk).rule_name == "early"
    RoutingRuleFactory(
        name="stopper", order=1, stop=True, actions=[{"type": "set_category", "value": "network"}]
    )
    assert route_ticket(ticket_id=unrouted_ticket().pk).method == "scoring"


def test_inactive_rule_is_ignored(team, other_team):
    RoutingRuleFactory(active=False, actions=[{"type": "assign", "to": "team:apps"}])
    assert route_ticket(ticket_id=unrouted_ticket(category="network").pk).team == team


def test_notify_action_queues_notifications(team):
    from notifications.models import Notification, NotificationQueue

    member = factories.AgentFactory(teams=[team])
    RoutingRuleFactory(
        actions=[
            {"type": "notify", "to": "team:network", "message": "New {ticket.reference} arrived"},
        ]
    )
    ticket = unrouted_ticket(category="network")
    route_ticket(ticket_id=ticket.pk)
    queued = NotificationQueue.objects.get(ticket=ticket, event_type="alert")
    assert queued.to_email == member.email
    assert queued.payload["message"] == f"New {ticket.reference} arrived"
    assert Notification.objects.filter(user=member, ticket=ticket, event_type="alert").exists()


def test_notify_to_an_unknown_team_does_not_stop_routing(team):
    RoutingRuleFactory(actions=[{"type": "notify", "to": "team:ghosts"}])
    ticket = unrouted_ticket(category="network")
    assert route_ticket(ticket_id=ticket.pk).team == team
    assert TimelineEntry.objects.filter(ticket=ticket, content__contains="could not notify")


def test_load_counts_running_work_weighted_by_priority(team):
    team.max_bandwidth = 8
    team.save()
    open_ticket(team, priority="critical")  # 3
    open_ticket(team, priority="low")  # 0.5
    open_ticket(team, status="waiting", priority="critical")  # waiting: not counted
    open_ticket(team, status="resolved", priority="high")  # closed work: not counted
    factories.TicketFactory(team=team, priority="high")  # new, unowned: 2
    snapshots = selectors.team_snapshots(category="network", config=_config())
    assert snapshots[0].load == 5.5
    decision = route_ticket(ticket_id=unrouted_ticket(category="network").pk)
    assert decision.scores["availability"] == pytest.approx(1 - 5.5 / 8, abs=1e-4)


def test_load_weights_come_from_the_default_weights_row(team):
    default_weights(load_critical=10)
    open_ticket(team, priority="critical")
    snapshot = selectors.team_snapshots(
        category="network", config=selectors.routing_config(selectors.weight_rows(), "network")
    )[0]
    assert snapshot.load == 10


def _config():
    return selectors.routing_config(selectors.weight_rows(), "network")


def test_category_weights_override_the_default(team):
    only_proximity = {
        "availability_weight": 0,
        "bandwidth_weight": 0,
        "velocity_weight": 0,
        "performance_weight": 0,
        "proximity_weight": 1,
        "cultural_fit_weight": 0,
        "timezone_weight": 0,
    }
    ScoringWeightsFactory(category="network", **only_proximity)
    decision = route_ticket(ticket_id=unrouted_ticket(category="network").pk)
    assert decision.scores["composite"] == decision.scores["proximity"]


def test_affinity_sends_the_requester_back_to_the_previous_team(team):
    second = factories.TeamFactory(
        slug="network-2",
        name="Z Network",
        capabilities=["network"],
        latitude=-33.9,
        longitude=151.2,
        timezone="Australia/Sydney",
    )
    contact = factories.ContactFactory()
    factories.TicketFactory(team=second, requester=contact, category="network")
    decision = route_ticket(ticket_id=unrouted_ticket(category="network", requester=contact).pk)
    assert (decision.method, decision.team) == ("affinity", second)
    stranger = route_ticket(ticket_id=unrouted_ticket(category="network").pk)
    assert (stranger.method, stranger.team) == ("scoring", team)


def test_affinity_window_expires(team):
    second = factories.TeamFactory(
        slug="network-2",
        name="Z Network",
        capabilities=["network"],
        latitude=-33.9,
        longitude=151.2,
        timezone="Australia/Sydney",
    )
    contact = factories.ContactFactory()
    with time_machine.travel(timezone.now() - timedelta(hours=73)):
        factories.TicketFactory(team=second, requester=contact, category="network")
    decision = route_ticket(ticket_id=unrouted_ticket(category="network", requester=contact).pk)
    assert decision.method == "scoring"


def test_a_ticket_whose_team_was_removed_goes_back_to_the_team_that_had_it(team):
    second = factories.TeamFactory(
        slug="network-2",
        name="Z Network",
        capabilities=["network"],
        latitude=-33.9,
        longitude=151.2,
        timezone="Australia/Sydney",
    )
    ticket = unrouted_ticket(category="network")
    RoutingRuleFactory(actions=[{"type": "assign", "to": "team:network-2"}])
    assert route_ticket(ticket_id=ticket.pk).team == second
    AllocationDecision.objects.all().update(rule=None)
    from routing.models import RoutingRule

    RoutingRule.objects.all().delete()
    Ticket.objects.filter(pk=ticket.pk).update(team=None)
    decision = route_ticket(ticket_id=ticket.pk)
    assert (decision.method, decision.team) == ("affinity", second)


def test_measured_metrics_replace_the_baseline_with_enough_samples(team):
    team.avg_resolution_time_hours = 100
    team.save()
    owner = factories.AgentFactory(teams=[team])
    now = timezone.now()
    for _ in range(10):
        ticket = open_ticket(team, status="resolved", owner=owner, category="network")
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=now - timedelta(hours=2), resolved_at=now
        )
    assert refresh_team_metrics(now=now) == 1
    metrics = TeamMetrics.objects.get(team=team, category="network")
    assert (metrics.resolved_count, metrics.avg_resolution_time_hours) == (10, 2.0)
    assert metrics.sla_compliance_rate == 1.0
    decision = route_ticket(ticket_id=unrouted_ticket(category="network").pk)
    assert decision.scores["velocity"] == pytest.approx(24 / 26, abs=1e-4)  # medium: 24 h target
    default_weights(min_resolved_samples=11)
    decision = route_ticket(ticket_id=unrouted_ticket(category="network").pk)
    assert decision.scores["velocity"] == pytest.approx(24 / 124, abs=1e-4)


def test_route_unrouted_picks_up_tickets_left_behind(team):
    now = timezone.now()
    with time_machine.travel(now - timedelta(minutes=5)):
        left = unrouted_ticket(category="network")
    fresh = unrouted_ticket(category="network")
    with time_machine.travel(now):
        assert route_unrouted() == 1
    left.refresh_from_db()
    fresh.refresh_from_db()
    assert (left.team, fresh.team) == (team, None)


def test_route_unrouted_does_not_retry_a_hopeless_ticket_every_time(db):
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        unrouted_ticket(category="network")
    assert route_unrouted() == 1  # decided: nobody
    assert route_unrouted() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert route_unrouted() == 1


def test_apply_rules_on_another_event_with_facts(team):
    from notifications.models import NotificationQueue

    factories.AgentFactory(teams=[team])
    RoutingRuleFactory(
        event="escalation.age_exceeded",
        conditions=[{"age_hours": 4}, {"status": "pending"}],
        actions=[
            {
                "type": "notify",
                "to": "team:network",
                "message": "Escalation {escalation.id} waiting 4+ hours",
            },
            {"type": "set_priority", "value": "high"},
        ],
    )
    ticket = factories.TicketFactory(team=team)
    assert (
        apply_rules(
            ticket_id=ticket.pk,
            event="escalation.age_exceeded",
            facts={"status": "active", "age_hours": 5},
        )
        == []
    )
    applied = apply_rules(
        ticket_id=ticket.pk,
        event="escalation.age_exceeded",
        facts={"status": "pending", "age_hours": 5, "escalation.id": "E-7"},
    )
    assert [a["type"] for a in applied] == ["notify", "set_priority"]
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    queued = NotificationQueue.objects.get(ticket=ticket)
    assert queued.payload["message"] == "Escalation E-7 waiting 4+ hours"
    assert AllocationDecision.objects.count() == 0


def test_prepare_decision_and_dry_run_store_nothing(team):
    ticket = unrouted_ticket(category="network")
    counts = (
        AllocationDecision.objects.count(),
        TimelineEntry.objects.count(),
        AuditLog.objects.count(),
    )
    _, prepared = prepare_decision(ticket_id=ticket.pk)
    assert prepared.decision.team.team_id == str(team.pk)
    prepared, _ = dry_run(
        data={"ticket_id": "X-1", "title": "wifi down", "urgency": "1", "impact": "1"}
    )
    assert (prepared.ticket.priority, prepared.ticket.category) == ("critical", "network")
    assert prepared.decision.team.team_id == str(team.pk)
    ticket.refresh_from_db()
    assert ticket.team is None
    assert counts == (
        AllocationDecision.objects.count(),
        TimelineEntry.objects.count(),
        AuditLog.objects.count(),
    )
