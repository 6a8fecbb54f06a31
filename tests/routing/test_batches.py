"""Routing many tickets at once (routing.actions.batch): the same decisions, rows and events as
routing them one by one in the same order (a burst spreads over the teams, an earlier ticket
of the batch is the requester's previous one), in the same few queries whatever the batch's
size; tickets left alone are left alone; a wave of events is routed as one batch."""

import json

import pytest
import time_machine
from django.db import transaction

from core import waves
from core.models import AuditLog, OutboxEvent
from routing import subscribers
from routing.actions.route import RouteRequest, route_ticket, route_tickets
from routing.models import AllocationDecision
from routing.semantic import service as semantic
from tests import factories
from tests.commits import created_in_one_burst
from tests.routing.factories import WEDNESDAY_10_UTC, RoutingRuleFactory, unrouted_ticket
from tickets.events import stream_of
from tickets.guards import owner_write_allowed
from tickets.models import CaseFlag, Ticket, TimelineEntry

# The rows the test transaction's held on-commit work would add (deliveries) stay out.
pytestmark = [pytest.mark.django_db, pytest.mark.held_commits]

DECISION_FIELDS = (
    "event",
    "method",
    "team_id",
    "team_name",
    "assigned_user_id",
    "assigned_user_email",
    "rule_name",
    "scores",
    "candidates",
    "actions",
    "rationale",
    "confidence",
)


class Rollback(Exception):
    pass


@pytest.fixture
def frozen_clock():
    # Business hours, so the timezone factor is the same for every call of the test.
    with time_machine.travel(WEDNESDAY_10_UTC, tick=True):
        yield


@pytest.fixture
def three_teams(db):
    """Three network teams alike but for their names and the load the last one carries, with
    room for a few tickets each: who is least loaded changes as a burst is routed."""
    teams = [
        factories.TeamFactory(slug=slug, capabilities=["network"], max_bandwidth=6)
        for slug in ("net-a", "net-b", "net-c")
    ]
    for team in teams:
        factories.AgentFactory(teams=[team])
        factories.AgentFactory(teams=[team])
    busy = factories.AgentFactory(teams=[teams[2]])
    with owner_write_allowed():
        factories.TicketFactory(team=teams[2], status="in_progress", owner=busy)
    return teams


def burst() -> list[Ticket]:
    """Twelve unrouted tickets: mixed priorities, one the triage categorises, one a rule
    assigns and flags, and a requester with two tickets (affinity within the batch)."""
    repeat = factories.ContactFactory()
    tickets = [unrouted_ticket(category="network", priority="medium") for _ in range(3)]
    tickets.append(unrouted_ticket(category="network", requester=repeat, priority="high"))
    tickets += [unrouted_ticket(category="network", priority="low") for _ in range(2)]
    tickets.append(unrouted_ticket(category="", title="VPN keeps dropping", description=""))
    tickets.append(unrouted_ticket(category="network", title="Printer on fire"))
    tickets.append(unrouted_ticket(category="network", requester=repeat, priority="critical"))
    tickets += [unrouted_ticket(category="network") for _ in range(3)]
    return tickets


def printer_rule() -> None:
    RoutingRuleFactory(
        name="printers",
        conditions=[{"title": {"matches": "(?i)printer"}}],
        actions=[
            {"type": "add_flag", "value": "physical_damage"},
            {"type": "assign", "to": "team:net-c"},
            {"type": "notify", "to": "team", "message": "{ticket.reference} is burning"},
        ],
    )


def outcome(tickets: list[Ticket]) -> list[dict]:
    """Everything routing left on each ticket, decision ids replaced by a placeholder."""
    result = []
    for ticket in tickets:
        row = Ticket.objects.get(pk=ticket.pk)
        decisions = list(AllocationDecision.objects.filter(ticket=ticket).order_by("decided_at"))
        ids = [str(decision.pk) for decision in decisions]
        entries = TimelineEntry.objects.filter(ticket=ticket).order_by("created_at", "content")
        audits = AuditLog.objects.filter(ticket_id=ticket.pk).order_by("pk")
        events = OutboxEvent.objects.filter(stream=stream_of(ticket.pk)).order_by("pk")
        result.append(
            {
                "ticket": (row.team_id, row.category, row.priority, row.priority_score),
                "decisions": [[getattr(d, name) for name in DECISION_FIELDS] for d in decisions],
                "timeline": [(e.type, e.visibility, e.author_id, e.content) for e in entries],
                "flags": sorted(CaseFlag.objects.filter(ticket=ticket).values_list("kind", "note")),
                "audit": [(a.action, a.actor_id, _masked(a.data, ids)) for a in audits],
                "events": [(e.name, _masked(e.data, ids)) for e in events],
            }
        )
    return result


def _masked(data: dict, ids: list[str]) -> dict:
    text = json.dumps(data, sort_keys=True)
    for decision_id in ids:
        text = text.replace(decision_id, "<decision>")
    return json.loads(text)


def one_by_one(tickets: list[Ticket], **kwargs) -> list[dict]:
    """What routing each ticket in turn leaves behind, rolled back afterwards."""
    try:
        with transaction.atomic():
            for ticket in tickets:
                route_ticket(ticket_id=ticket.pk, **kwargs)
            found = outcome(tickets)
            raise Rollback
    except Rollback:
        return found


def test_a_batch_decides_as_routing_one_by_one_in_order(frozen_clock, three_teams):
    printer_rule()
    tickets = burst()
    expected = one_by_one(tickets, guess_priority=True)

    stored = route_tickets(
        requests=[RouteRequest(ticket_id=ticket.pk, guess_priority=True) for ticket in tickets]
    )

    assert all(decision is not None for decision in stored)
    assert outcome(tickets) == expected
    teams = [decision.team.slug for decision in stored]
    # The burst spread: no team took every ticket the scoring placed.
    assert len({slug for slug, d in zip(teams, stored, strict=True) if d.method == "scoring"}) > 1
    assert stored[8].method == "affinity"  # the requester's ticket routed earlier in the batch
    assert stored[8].team_id == stored[3].team_id
    assert (stored[6].method, Ticket.objects.get(pk=tickets[6].pk).category) == (
        "scoring",
        "network",
    )
    assert stored[7].rule_name == "printers"
    assert OutboxEvent.objects.filter(
        stream=stream_of(tickets[7].pk), name="routing.alert"
    ).exists()


def test_load_spreads_across_teams_in_a_batch(frozen_clock, three_teams):
    tickets = [unrouted_ticket(category="network") for _ in range(9)]
    expected = one_by_one(tickets)

    stored = route_tickets(requests=[RouteRequest(ticket_id=ticket.pk) for ticket in tickets])

    assert outcome(tickets) == expected
    chosen = [decision.team.slug for decision in stored]
    # The least loaded at the start (net-c carries a ticket already) takes the first one
    # only; then the teams take turns.
    assert chosen[:2] == ["net-a", "net-b"]
    assert {slug: chosen.count(slug) for slug in set(chosen)} == {
        "net-a": 3,
        "net-b": 3,
        "net-c": 3,
    }


def test_a_reroute_batch_decides_as_one_by_one(frozen_clock, three_teams):
    tickets = [unrouted_ticket(category="network") for _ in range(4)]
    route_tickets(requests=[RouteRequest(ticket_id=ticket.pk) for ticket in tickets])
    expected = one_by_one(tickets, reroute=True)

    route_tickets(requests=[RouteRequest(ticket_id=t.pk, reroute=True) for t in tickets])

    assert outcome(tickets) == expected


def test_routing_a_batch_again_changes_nothing(three_teams):
    tickets = [unrouted_ticket(category="network") for _ in range(3)]
    requests = [RouteRequest(ticket_id=ticket.pk) for ticket in tickets]
    assert None not in route_tickets(requests=requests)
    before = outcome(tickets)

    assert route_tickets(requests=requests) == [None, None, None]
    assert outcome(tickets) == before
    assert AllocationDecision.objects.filter(ticket__in=tickets).count() == 3


def test_closed_tickets_tickets_with_a_team_and_repeats_are_left_alone(three_teams):
    with owner_write_allowed():
        closed = unrouted_ticket(
            category="network", status="closed", owner=factories.AgentFactory()
        )
    has_team = factories.TicketFactory(team=three_teams[0], category="network")
    fresh = unrouted_ticket(category="network")

    stored = route_tickets(
        requests=[
            RouteRequest(ticket_id=closed.pk),
            RouteRequest(ticket_id=fresh.pk),
            RouteRequest(ticket_id=has_team.pk),
            RouteRequest(ticket_id=fresh.pk),
        ]
    )

    assert [decision is not None for decision in stored] == [False, True, False, False]
    assert not AllocationDecision.objects.filter(ticket__in=[closed, has_team]).exists()
    assert Ticket.objects.get(pk=closed.pk).team is None
    assert Ticket.objects.get(pk=has_team.pk).team == three_teams[0]
    assert AllocationDecision.objects.filter(ticket=fresh).count() == 1


def test_an_empty_batch_reads_nothing(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # its savepoint and release
        assert route_tickets(requests=[]) == []


def test_a_missing_ticket_fails_the_batch(three_teams):
    fresh = unrouted_ticket(category="network")
    with pytest.raises(Ticket.DoesNotExist):
        route_tickets(
            requests=[
                RouteRequest(ticket_id=fresh.pk),
                RouteRequest(ticket_id="7b0e5a4e-0000-4000-8000-000000000000"),
            ]
        )
    assert not AllocationDecision.objects.filter(ticket=fresh).exists()


@pytest.mark.parametrize("size", [1, 3, 12])
def test_a_batch_costs_the_same_queries_whatever_its_size(
    size, three_teams, django_assert_max_num_queries
):
    route_ticket(ticket_id=unrouted_ticket(category="network").pk)  # the memoised config read
    semantic.state()  # the profiles semantic triage keeps in the process, read once per change
    tickets = [unrouted_ticket(category="network") for _ in range(size)]
    tickets[0].category = ""  # one the triage categorises: its requester's previous team
    tickets[0].title = "VPN keeps dropping"
    tickets[0].save()

    # Savepoint and release, the tickets (locked), the learned triage's settings, the
    # requester's previous team for the guessed category, the teams, the agents, the
    # decisions, the lock and update of the tickets, the new teams, the timeline, audit and
    # outbox rows. One by one it was 12 per ticket.
    with django_assert_max_num_queries(14):
        stored = route_tickets(requests=[RouteRequest(ticket_id=t.pk) for t in tickets])

    assert len([decision for decision in stored if decision.team_id]) == size


def test_a_wave_of_created_tickets_is_routed_in_one_batch(three_teams, manager, monkeypatch):
    calls = []
    real = subscribers.route_tickets

    def spy(*, requests):
        calls.append(len(requests))
        return real(requests=requests)

    monkeypatch.setattr(subscribers, "route_tickets", spy)
    created = created_in_one_burst(
        manager, [f"VPN drops {n}" for n in range(5)], category="network"
    )

    waves.drain_many([stream_of(ticket.pk) for ticket in created])

    assert calls == [5]
    routed = Ticket.objects.filter(pk__in=[t.pk for t in created], team__isnull=False)
    assert routed.count() == 5


def test_a_batch_copies_a_team_snapshot_only_when_its_load_moved():
    from routing.actions.batch import _Batch
    from routing.snapshots import TeamSnapshot

    ops, net = TeamSnapshot("t-ops", "ops", "Ops", load=2.0), TeamSnapshot("t-net", "net", "Net")
    batch = _Batch(
        now=WEDNESDAY_10_UTC,
        rows=[],
        keywords_map={},
        since=None,
        teams_by_category={"network": [ops, net], "": [ops]},
        load_per_priority={},
    )
    assert batch.teams("network") == [ops, net]  # nothing moved: the snapshots as read
    batch.load_delta["t-ops"] = 1.5
    first = batch.teams("network")
    assert [team.load for team in first] == [3.5, 0.0] and first[1] is net
    assert batch.teams("network")[0] is first[0]  # not copied again while the load stands
    assert batch.teams("")[0].load == 3.5  # each category's own snapshot
    batch.load_delta["t-ops"] = 0.5
    assert batch.teams("network")[0].load == 2.5
    batch.load_delta["t-ops"] = 0.0
    assert batch.teams("network")[0] is ops
