"""sla.actions.clocks.start_clocks: a batch of new tickets starts the same clocks as one start
per ticket (policy, due times, state, crossings, the ticket's pressure and score), leaves a
ticket that has a clock as it is, and costs the same statements for 1, 3 or 12 tickets."""

from datetime import timedelta

import pytest
from django.db import transaction

from core import waves
from sla import policies, subscribers
from sla.actions.clocks import start_clock, start_clocks
from sla.models import BusinessCalendar, Reminder, SLAClock, SLACrossing
from tests import factories
from tests.sla.conftest import T0
from tests.sla.factories import CalendarFactory, PolicyFactory
from tickets.events import stream_of
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

CLOCK_FIELDS = [
    "policy_id",
    "tier",
    "started_at",
    "first_response_minutes",
    "resolution_minutes",
    "first_response_half_at",
    "first_response_warn_at",
    "first_response_due",
    "resolution_half_at",
    "resolution_warn_at",
    "resolution_due",
    "state",
    "breached_at",
    "crossed",
    "last_activity_at",
    "next_check_at",
    "checked_at",
]

# (priority, category, requester tier, minutes after creation the start is heard): seeded
# policies on the 24x7 and London business-hours calendars, VIP ones, the ``policy`` fixture
# and ``office`` below (weekdays 09:00-17:00 UTC). The critical one is heard after its first
# response was due (its start records a warning and a breach), the network one between its
# warning and its due time (a warning, and a reminder for its owner).
SPECS = [
    ("critical", "", "standard", 20),
    ("medium", "", "standard", 0),
    ("medium", "network", "standard", 50),
    ("low", "sap", "standard", 1),
    ("high", "", "vip", 2),
    ("low", "", "vip", 3),
]


def minutes(n: float):
    return T0 + timedelta(minutes=n)


@pytest.fixture
def office(db, policy):
    """Low SAP tickets fall under a policy on its own office-hours calendar."""
    calendar = CalendarFactory(slug="office-utc", always_open=False, weekdays_9_to_5=True)
    return PolicyFactory(
        name="SAP low",
        priority="low",
        category="sap",
        calendar=calendar,
        first_response_minutes=10 * 60,
        resolution_minutes=20 * 60,
    )


def new_tickets(specs, *, owner=None) -> list[tuple[Ticket, object]]:
    """Tickets without a clock (the factory publishes no event), each with its start instant."""
    made = []
    for priority, category, tier, heard_after in specs:
        requester = factories.ContactFactory(tier=tier)
        ticket = factories.TicketFactory(
            priority=priority, category=category, requester=requester, owner=owner
        )
        made.append((ticket, minutes(heard_after)))
    return made


def outcome(ticket: Ticket) -> dict:
    """What starting a ticket's clock leaves behind, comparable between two tickets."""
    clock = SLAClock.objects.get(ticket=ticket)
    stored = Ticket.objects.get(pk=ticket.pk)
    crossings = SLACrossing.objects.filter(ticket=ticket).order_by("kind")
    reminders = Reminder.objects.filter(ticket=ticket).order_by("trigger_at")
    return {
        **{field: getattr(clock, field) for field in CLOCK_FIELDS},
        "sla_pressure": stored.sla_pressure,
        "priority_score": stored.priority_score,
        "crossings": [(c.kind, c.threshold_at, c.recorded_at) for c in crossings],
        "reminders": [(r.user_id, r.trigger_at) for r in reminders],
    }


def test_a_batch_starts_the_same_clocks_as_one_start_per_ticket(clock, policy, office, agent):
    one_by_one = new_tickets(SPECS, owner=agent)
    batched = new_tickets(SPECS, owner=agent)

    for ticket, at in one_by_one:
        start_clock(ticket_id=ticket.pk, at=at)
    returned = start_clocks(starts=[(str(ticket.pk), at) for ticket, at in batched])

    assert set(returned) == {ticket.pk for ticket, _ in batched}
    for (single, _), (batch, _) in zip(one_by_one, batched, strict=True):
        assert outcome(batch) == outcome(single)
    by_spec = {spec: outcome(ticket) for spec, (ticket, _) in zip(SPECS, batched, strict=True)}
    critical, medium, network, sap, vip_high, vip_low = (by_spec[spec] for spec in SPECS)
    # Each ticket on its own policy and calendar (checked against the policies' numbers).
    assert critical["first_response_due"] == minutes(15)  # Critical, 24x7
    assert critical["state"] == "breached"
    assert [kind for kind, *_ in critical["crossings"]] == [
        "first_response_breach",
        "first_response_warning",
    ]
    assert {recorded for *_, recorded in critical["crossings"]} == {minutes(20)}
    assert critical["reminders"] == []  # the warning was heard after its breach
    assert medium["first_response_due"] == minutes(4 * 60)  # Medium, London 09:00-17:00 GMT
    assert medium["resolution_due"] == T0 + timedelta(days=2, hours=8)  # 24 business h: Wed
    assert network["policy_id"] == policy.pk
    assert network["first_response_due"] == minutes(60)
    assert network["crossings"] == [("first_response_warning", minutes(45), minutes(50))]
    assert network["reminders"] == [(agent.pk, minutes(55))]  # half-way from 50 to 60
    assert sap["policy_id"] == office.pk
    assert sap["first_response_due"] == minutes(24 * 60 + 2 * 60)  # 8 h Monday, 2 h Tuesday
    assert vip_high["tier"] == "vip"
    assert vip_high["first_response_due"] == minutes(30)  # VIP high, 24x7
    assert vip_low["resolution_due"] == T0 + timedelta(days=4, hours=4)  # VIP low, 36 h
    assert vip_low["priority_score"] != medium["priority_score"]
    assert critical["sla_pressure"] > network["sla_pressure"]


def test_a_ticket_with_a_clock_keeps_it_as_it_is(clock, policy):
    (started, _), (fresh, _) = new_tickets([SPECS[2], SPECS[2]])
    start_clock(ticket_id=started.pk)
    before = SLAClock.objects.get(ticket=started)
    # A score the start would overwrite, were it to settle this ticket again.
    Ticket.objects.filter(pk=started.pk).update(sla_pressure=2.5, priority_score=7.0)
    clock.shift(90)  # past the first response: a second start would record crossings

    clocks = start_clocks(starts=[(started.pk, None), (fresh.pk, None), (fresh.pk, None)])

    after = SLAClock.objects.get(ticket=started)
    assert clocks[started.pk].pk == before.pk
    assert [getattr(after, f) for f in [*CLOCK_FIELDS, "updated_at"]] == [
        getattr(before, f) for f in [*CLOCK_FIELDS, "updated_at"]
    ]
    assert not SLACrossing.objects.filter(ticket=started).exists()
    assert Ticket.objects.values_list("sla_pressure", "priority_score").get(pk=started.pk) == (
        2.5,
        7.0,
    )
    assert SLAClock.objects.filter(ticket=fresh).count() == 1
    assert clocks[fresh.pk].started_at == T0
    assert clocks[fresh.pk].state == "breached"  # started as of now, 90 minutes on


def test_a_ticket_that_does_not_exist_fails_the_batch(clock, policy):
    (ticket, _), (gone, _) = new_tickets([SPECS[2], SPECS[2]])
    gone_id = gone.pk
    gone.delete()

    with pytest.raises(Ticket.DoesNotExist):
        start_clocks(starts=[(ticket.pk, None), (gone_id, None)])

    assert not SLAClock.objects.exists()  # one transaction: nothing half-started


@pytest.mark.parametrize("late", [False, True], ids=["on-time", "heard-late"])
def test_a_batch_costs_the_same_statements_for_1_3_and_12_tickets(
    clock, policy, office, agent, late, django_assert_num_queries
):
    # Policies and calendars are memoised per process: read them before counting.
    start_clock(ticket_id=new_tickets([SPECS[0]])[0][0].pk)
    # Late: heard 50 minutes on, every batch has crossings and a warning-only ticket (the
    # network one first) whose owner gets a reminder, so all of record_crossings runs.
    heard_after = 50 if late else 0
    expected = 12 if late else 6  # one start per ticket costs 6 statements per ticket

    for how_many in (1, 3, 12):
        specs = [(*SPECS[(i + 2) % len(SPECS)][:3], heard_after) for i in range(how_many)]
        starts = [(ticket.pk, at) for ticket, at in new_tickets(specs, owner=agent)]
        # The batch's own statements: what it publishes is delivered after its commit.
        with transaction.atomic(), django_assert_num_queries(expected):
            assert len(start_clocks(starts=starts)) == how_many
        assert SLAClock.objects.filter(ticket_id__in=[pk for pk, _ in starts]).count() == how_many


def test_a_batch_matches_each_profile_and_builds_each_calendar_once(
    clock, policy, office, monkeypatch
):
    start_clock(ticket_id=new_tickets([SPECS[0]])[0][0].pk)  # the memo, read
    built, matched = [], []
    as_calendar, best_policy = BusinessCalendar.as_calendar, policies.best_policy
    monkeypatch.setattr(
        BusinessCalendar, "as_calendar", lambda cal: built.append(cal.pk) or as_calendar(cal)
    )
    monkeypatch.setattr(policies, "best_policy", lambda *a: matched.append(a[1]) or best_policy(*a))
    starts = [(ticket.pk, at) for ticket, at in new_tickets(SPECS * 4)]

    start_clocks(starts=starts)

    assert len(matched) == len(SPECS)  # 24 tickets, 6 profiles
    assert sorted(built) == sorted(set(built))
    assert len(built) == 4  # 24x7, London business hours, the fixture's and office's


@pytest.mark.held_commits
def test_a_wave_of_new_tickets_starts_their_clocks_in_one_call(
    clock, policy, open_ticket, monkeypatch
):
    calls = []

    def spy(*, starts):
        calls.append(starts)
        return start_clocks(starts=starts)

    monkeypatch.setattr(subscribers, "start_clocks", spy)
    tickets = [open_ticket(title=f"VPN down {n}") for n in range(4)]  # not delivered yet
    assert not SLAClock.objects.exists()

    waves.drain_many([stream_of(ticket.pk) for ticket in tickets])

    assert len(calls) == 1
    assert sorted(str(ticket_id) for ticket_id, _ in calls[0]) == sorted(
        str(ticket.pk) for ticket in tickets
    )
    assert SLAClock.objects.filter(ticket__in=tickets, policy=policy).count() == 4
