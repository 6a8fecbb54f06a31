"""Real threads, committed transactions: eight workers route one ticket at once (a retried
task, the periodic safety net and the post-save hook can meet). The ticket's row lock, taken
by the routing read itself, lets exactly one decide."""

import pytest

from routing.actions.route import route_ticket
from routing.models import AllocationDecision
from tests import factories
from tests.tickets.test_concurrency import run_together
from tickets.models import TimelineEntry

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_routes_of_one_ticket_make_one_decision():
    team = factories.TeamFactory(slug="network", capabilities=["network"])
    factories.AgentFactory(teams=[team])
    ticket = factories.TicketFactory(team=None, category="network")
    AllocationDecision.objects.filter(ticket=ticket).delete()  # routed on save (eager)
    type(ticket).objects.filter(pk=ticket.pk).update(team=None)
    routed = TimelineEntry.objects.filter(ticket=ticket, content__startswith="Routed to")
    routed_before = routed.count()

    results = run_together(lambda _: route_ticket(ticket_id=ticket.pk), 8)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    decided = [r for r in results if r is not None]
    assert len(decided) == 1
    assert AllocationDecision.objects.filter(ticket=ticket).count() == 1
    assert routed.count() == routed_before + 1
    ticket.refresh_from_db()
    assert ticket.team == team
