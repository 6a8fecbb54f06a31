"""The ticket list built for a million tickets (issue 18, part 3): what it must still answer
the same, and the shape of its statements (no DISTINCT, a constant number of them)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sla.actions.clocks import start_clock
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"


def test_choice_filters_add_no_distinct(api, manager, team):
    factories.TicketFactory.create_batch(3, team=team, priority="high")
    with CaptureQueriesContext(connection) as queries:
        body = api.as_(manager).get(URL, {"status": "new", "priority": "high", "type": "incident"})
    assert body.json()["count"] == 3
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"].upper()]


def test_the_count_of_a_small_list_is_exact(api, agent, team, other_team):
    factories.TicketFactory.create_batch(4, team=team)
    factories.TicketFactory.create_batch(2, team=other_team)
    body = api.as_(agent).get(URL).json()
    assert (body["count"], body["count_is_estimate"]) == (4, False)


def test_pages_neither_repeat_nor_skip_tickets_of_the_same_score(api, manager, team):
    made = {str(t.pk) for t in factories.TicketFactory.create_batch(12, team=team)}
    seen = []
    for page in (1, 2, 3):
        body = api.as_(manager).get(URL, {"page_size": 5, "page": page}).json()
        seen += [row["id"] for row in body["results"]]
    assert len(seen) == 12 and set(seen) == made


def test_requester_filter_by_email_or_contact_id(api, manager, team, requester):
    mine = factories.TicketFactory(team=team, requester=requester.contact)
    factories.TicketFactory(team=team)
    for value in (requester.contact.email.upper(), str(requester.contact.pk)):
        rows = api.as_(manager).get(URL, {"requester": value}).json()["results"]
        assert [row["id"] for row in rows] == [str(mine.pk)]
    assert api.as_(manager).get(URL, {"requester": "9" * 30}).json()["count"] == 0


def test_ordering_by_sla_due_puts_the_soonest_first(api, manager, team):
    low = factories.TicketFactory(team=team, priority="low")
    critical = factories.TicketFactory(team=team, priority="critical")
    unclocked = factories.TicketFactory(team=team)
    for ticket in (low, critical):
        start_clock(ticket_id=ticket.pk)
    rows = api.as_(manager).get(URL, {"ordering": "sla_due"}).json()["results"]
    assert [row["id"] for row in rows] == [str(critical.pk), str(low.pk), str(unclocked.pk)]


FILTERS = [
    {},
    {"status": "new"},
    {"priority": "medium", "ordering": "-updated_at"},
    {"team": "TEAM"},
    {"owner": "me"},
    {"requester": "REQUESTER"},
    {"category": "network", "ordering": "sla_due"},
    {"source": "web", "page": 2, "page_size": 2},
]


@pytest.mark.parametrize("params", FILTERS)
def test_every_filter_runs_a_constant_number_of_queries(
    api, agent, team, requester, params, django_assert_max_num_queries
):
    values = {"TEAM": team.slug, "REQUESTER": requester.contact.email}
    params = {key: values.get(value, value) for key, value in params.items()}

    def make(rows: int) -> None:
        for ticket in factories.TicketFactory.create_batch(
            rows, team=team, requester=requester.contact, source="web"
        ):
            start_clock(ticket_id=ticket.pk)

    make(3)
    with CaptureQueriesContext(connection) as small:
        assert api.as_(agent).get(URL, params).status_code == 200
    make(30)
    with django_assert_max_num_queries(len(small)):
        assert api.as_(agent).get(URL, params).status_code == 200
    # role, scope, count (EXPLAIN, then COUNT), ids, rows, flags, decisions
    assert len(small) <= 8, [q["sql"][:80] for q in small]
