"""Routing one ticket costs the same statements whatever the number of tickets and teams."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from routing import config_cache
from routing.actions.route import route_ticket
from routing.decide import prepare_decision
from tests import factories
from tests.routing.factories import unrouted_ticket


def _route_queries(n_teams: int, n_tickets: int) -> int:
    teams = [
        factories.TeamFactory(slug=f"net-{n_teams}-{i}", capabilities=["network"])
        for i in range(n_teams)
    ]
    for team in teams:
        factories.AgentFactory(teams=[team])
    for i in range(n_tickets):
        factories.TicketFactory(team=teams[i % n_teams], priority="high")
    ticket = unrouted_ticket(category="network")
    config_cache.current()  # the configuration is memoised per process (test_config_cache)
    with CaptureQueriesContext(connection) as read_only:
        prepare_decision(ticket_id=ticket.pk)
    # The routing transaction's own statements: what ticket.routed sets off (notifications,
    # handlers, the dashboard) is delivered after its commit, outside this count.
    with transaction.atomic(), CaptureQueriesContext(connection) as routed:
        route_ticket(ticket_id=ticket.pk)
    return len(read_only), len(routed)


def test_query_count_does_not_depend_on_tickets_or_teams(db):
    small = _route_queries(n_teams=2, n_tickets=5)
    large = _route_queries(n_teams=12, n_tickets=60)
    assert small == large
    decide_queries, route_queries = small
    assert decide_queries <= 4  # ticket, teams, available agents, the chosen team's agents
    # The reads, the decision, then the ticket's action: its lock, the ticket, timeline, audit
    # and the event (+ savepoints).
    assert route_queries <= 17
