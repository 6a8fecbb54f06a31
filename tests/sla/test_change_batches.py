"""sla.actions.clocks.follow_changes: the field changes of many tickets (a routed batch that
set priorities and categories) re-target their clocks as one change per ticket would, in a
constant number of statements, and a wave of routed tickets reaches it in one call."""

from datetime import timedelta

import pytest
from django.db import transaction

from core import waves
from core.models import AuditLog
from sla import subscribers
from sla.actions.clocks import follow_change, follow_changes, follow_status, start_clock
from sla.models import SLAClock
from tests import factories
from tests.sla.conftest import T0
from tests.sla.factories import PolicyFactory
from tests.sla.test_batches import CLOCK_FIELDS
from tickets.actions.updates import update_ticket
from tickets.events import stream_of
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def minutes(n: float):
    return T0 + timedelta(minutes=n)


@pytest.fixture
def urgent(db):
    return PolicyFactory(
        name="Urgent network", priority="critical", category="network", first_response_minutes=15
    )


def started(how_many: int, *, paused_for: float = 0) -> list[Ticket]:
    """Medium network tickets with running clocks (started at T0), the first ``paused_for``
    minutes of each spent waiting on the requester."""
    tickets = []
    for _ in range(how_many):
        ticket = factories.TicketFactory(priority="medium", category="network")
        start_clock(ticket_id=ticket.pk, at=T0)
        if paused_for:
            follow_status(ticket_id=ticket.pk, status="waiting", at=T0)
            follow_status(ticket_id=ticket.pk, status="in_progress", at=minutes(paused_for))
        tickets.append(ticket)
    return tickets


def raise_priority(tickets: list[Ticket]) -> None:
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(priority="critical")


def state(ticket: Ticket) -> dict:
    clock = SLAClock.objects.get(ticket=ticket)
    audits = AuditLog.objects.filter(ticket_id=ticket.pk, action="sla.retargeted")
    return {
        **{field: getattr(clock, field) for field in CLOCK_FIELDS},
        "retargeted": [row.data for row in audits],
    }


def test_a_batch_retargets_as_one_change_per_ticket_would(clock, policy, urgent):
    one_by_one = started(2) + started(1, paused_for=10)
    batched = started(2) + started(1, paused_for=10)
    raise_priority(one_by_one[:1] + one_by_one[2:] + batched[:1] + batched[2:])
    clock.shift(20)
    at = minutes(20)

    for ticket, fields in zip(one_by_one, [{"priority"}, {"title"}, {"priority"}], strict=True):
        follow_change(ticket_id=ticket.pk, fields=fields, at=at)
    fields = [{"priority"}, {"title"}, {"priority"}]
    changes = [(str(t.pk), f, at) for t, f in zip(batched, fields, strict=True)]
    clocks = follow_changes(changes=changes)

    assert set(clocks) == {ticket.pk for ticket in batched}
    for single, batch in zip(one_by_one, batched, strict=True):
        expected, got = state(single), state(batch)
        # The audit rows name their own ticket's values: same dues, so the same data.
        assert got == expected
    raised, untouched, paused = (state(ticket) for ticket in batched)
    assert raised["policy_id"] == urgent.pk
    assert raised["first_response_due"] == minutes(15)  # re-targeted, not restarted
    assert raised["state"] == "breached"  # 15 minutes due, 20 gone
    assert len(raised["retargeted"]) == 1
    assert untouched["policy_id"] == policy.pk
    assert untouched["retargeted"] == []  # a title is activity, not a new target
    assert untouched["last_activity_at"] == at
    assert paused["first_response_due"] == minutes(25)  # the 10 minutes waited still count


def test_a_ticket_without_a_clock_gets_one_and_a_missing_ticket_fails_the_batch(clock, policy):
    bare = factories.TicketFactory(priority="medium", category="network")
    (ticket,) = started(1)
    gone = factories.TicketFactory()
    gone_id = gone.pk
    gone.delete()

    with pytest.raises(Ticket.DoesNotExist):
        follow_changes(changes=[(ticket.pk, {"priority"}, None), (gone_id, {"priority"}, None)])
    clocks = follow_changes(changes=[(bare.pk, {"priority"}, None)])

    assert clocks[bare.pk].policy_id == policy.pk
    assert SLAClock.objects.filter(ticket=bare).count() == 1


def test_a_batch_costs_the_same_statements_for_1_3_and_12_tickets(
    clock, policy, urgent, django_assert_num_queries
):
    follow_changes(changes=[(started(1)[0].pk, {"priority"}, None)])  # policies memoised
    clock.shift(5)
    for how_many in (1, 3, 12):
        tickets = started(how_many, paused_for=1)
        raise_priority(tickets)
        changes = [(ticket.pk, {"priority"}, None) for ticket in tickets]
        # Its savepoint, locks (tickets, clocks), pauses, clocks written, audit rows, the
        # tickets' scores, the savepoint released. One by one: 8 statements a ticket.
        with transaction.atomic(), django_assert_num_queries(8):
            follow_changes(changes=changes)
        moved = SLAClock.objects.filter(ticket__in=tickets, policy=urgent).count()
        assert moved == how_many


@pytest.mark.held_commits
def test_a_wave_of_changed_tickets_follows_their_changes_in_one_call(
    clock, policy, urgent, manager, monkeypatch
):
    calls = []

    def spy(*, changes):
        calls.append(changes)
        return follow_changes(changes=changes)

    monkeypatch.setattr(subscribers, "follow_changes", spy)
    tickets = started(3)
    for ticket in tickets:
        update_ticket(ticket_id=ticket.pk, actor=manager, changes={"priority": "critical"})

    waves.drain_many([stream_of(ticket.pk) for ticket in tickets])

    assert [len(changes) for changes in calls if changes] == [3]
    assert SLAClock.objects.filter(ticket__in=tickets, policy=urgent).count() == 3
