"""New tickets' clocks read the policies and calendars from a per-process memo (core.memo):
no policy query once warm, and a committed change of a policy or of a calendar's hours is
used by the next ticket."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sla import selectors
from sla.models import SLAClock, SLAPolicy, WorkingHours
from tests import factories
from tests.sla.factories import CalendarFactory, PolicyFactory
from tickets.actions import creation


def _new_ticket(actor, **overrides):
    data = creation.NewTicket(
        title="VPN down", requester_email="pat@customer.example", category="network", **overrides
    )
    return creation.create_ticket(actor=actor, data=data)


def _policy_queries(queries) -> int:
    tables = ('"sla_slapolicy"', '"sla_workinghours"', '"sla_calendardate"')
    return sum(
        1
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and any(f"FROM {table}" in q["sql"] for table in tables)
    )


def test_a_warm_memo_reads_no_policy(db):
    agent = factories.ManagerFactory()
    selectors.memoised_policies()
    with CaptureQueriesContext(connection) as queries:
        ticket = _new_ticket(agent)
    assert SLAClock.objects.filter(ticket=ticket).exists()
    assert _policy_queries(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_a_committed_policy_change_reaches_the_next_ticket():
    agent = factories.ManagerFactory()
    first = _new_ticket(agent, priority="medium")
    assert first.sla_clock.policy.category == ""
    network = PolicyFactory(
        name="Network",
        priority="medium",
        type="incident",
        category="network",
        first_response_minutes=7,
        resolution_minutes=70,
    )
    second = _new_ticket(agent, priority="medium")
    assert second.sla_clock.policy == network
    network.resolution_minutes = 99
    network.save()
    third = _new_ticket(agent, priority="medium")
    assert third.sla_clock.resolution_minutes == 99
    SLAPolicy.objects.filter(pk=network.pk).update(is_active=False)  # no signal: memoised
    assert _new_ticket(agent, priority="medium").sla_clock.policy == network


@pytest.mark.django_db(transaction=True)
def test_a_calendar_change_reaches_the_memo():
    calendar = CalendarFactory(always_open=False, weekdays_9_to_5=True)
    policy = PolicyFactory(calendar=calendar)

    def hours() -> int:
        memoised = next(p for p in selectors.memoised_policies() if p.pk == policy.pk)
        return len(memoised.calendar.hours.all())

    assert hours() == 5
    WorkingHours.objects.filter(calendar=calendar, weekday__gte=3).delete()  # a signal per row
    assert hours() == 3
