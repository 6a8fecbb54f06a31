import pytest

from sla.actions.clocks import start_clock
from tests import factories
from tests.sla.factories import PolicyFactory
from tickets.actions import ownership


@pytest.fixture
def policy(db):
    return PolicyFactory(name="Pages policy", first_response_minutes=60, resolution_minutes=240)


@pytest.fixture
def make_tickets(policy):
    """``make_tickets(n, **fields)``: n tickets, each with a running SLA clock."""

    def make(count: int, **fields) -> list:
        tickets = factories.TicketFactory.create_batch(count, **fields)
        for ticket in tickets:
            start_clock(ticket_id=ticket.pk)
        return tickets

    return make


@pytest.fixture
def owned(agent, ticket):
    """`ticket`, accepted by `agent` (in progress)."""
    return ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
