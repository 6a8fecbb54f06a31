"""Two (or more) scans at once record each crossing once: real threads and connections."""

from datetime import timedelta

import pytest
import time_machine

from notifications.models import Notification
from sla.actions import scan
from sla.models import SLACrossing
from tests import factories
from tests.sla.conftest import T0
from tests.sla.factories import PolicyFactory
from tests.tickets.test_concurrency import run_together
from tickets.actions import creation, ownership
from tickets.models import TimelineEntry

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4
TICKETS = 30


def test_concurrent_scans_record_each_crossing_once():
    team = factories.TeamFactory()
    agent = factories.AgentFactory(teams=[team])
    manager = factories.ManagerFactory()
    PolicyFactory(
        priority="medium", category="network", first_response_minutes=60, resolution_minutes=240
    )
    with time_machine.travel(T0, tick=False):
        for n in range(TICKETS):
            ticket = creation.create_ticket(
                actor=manager,
                data=creation.NewTicket(
                    title=f"t{n}",
                    requester_email="c@example.com",
                    category="network",
                    priority="medium",
                    team=team,
                ),
            )
            ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)

    with time_machine.travel(T0 + timedelta(minutes=61), tick=False):
        results = run_together(lambda i: scan.scan(batch_size=7), THREADS)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert sum(r.crossings for r in results) == 2 * TICKETS
    assert SLACrossing.objects.count() == 2 * TICKETS
    assert TimelineEntry.objects.filter(content__startswith="SLA").count() == 2 * TICKETS
    assert Notification.objects.filter(user=agent, event_type="sla_breach").count() == TICKETS
    assert Notification.objects.filter(user=agent, event_type="sla_warning").count() == TICKETS
