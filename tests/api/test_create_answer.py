"""A create answered before its delivery (the server's deliverer thread or a worker runs it
after the response): the answer is the ticket as committed, built without reading it back, and
the same as reading it back would give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import dispatch
from routing.models import AllocationDecision

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets/"


def payload(n: int) -> dict:
    return {
        "title": f"VPN drops every hour {n}",
        "description": "Since Monday.",
        "category": "network",
        "priority": "high",
        "requester": {"email": f"someone{n}@customer.example", "name": "Some One"},
    }


def test_the_answer_is_the_committed_ticket_without_reading_it_back(api, agent, manager, queued):
    client = api.as_(agent)
    client.post(URL, payload(0))  # the agent's first request reads their role once
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, payload(1))
    assert response.status_code == 201, response.json()
    # The writes of the transaction (contact, reference, ticket, entry, audit, outbox) and
    # nothing read back: before, a SELECT of the ticket, its flags and its decision followed.
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if "tickets_ticket" in sql or "caseflag" in sql], reads
    # 15: a new requester also looks up the company of their e-mail domain (one read) and
    # whether a login (a staff member's) has the address, refused as a requester's (one read).
    assert len(queries.captured_queries) <= 15
    body = response.json()
    assert queued.streams[-1] == f"ticket:{body['id']}"
    assert (body["team"], body["sla"], body["allocation"], body["flags"]) == (None, None, None, [])
    # Read back by a manager (an agent sees their teams' tickets, and it has no team yet).
    assert api.as_(manager).get(f"{URL}{body['id']}/").json() == body


def test_the_queued_delivery_then_routes_it(api, agent, team, queued):
    body = api.as_(agent).post(URL, payload(2)).json()
    dispatch.drain(queued.streams[-1])
    routed = api.as_(agent).get(f"{URL}{body['id']}/").json()
    assert routed["team"]["id"] == str(team.pk)
    assert routed["allocation"]["decision_id"] == str(
        AllocationDecision.objects.get(ticket_id=body["id"]).pk
    )
    assert routed["sla"] is not None


def test_delivered_during_the_commit_the_answer_is_read_back_routed(api, agent, team):
    body = api.as_(agent).post(URL, payload(3)).json()
    assert body["team"]["id"] == str(team.pk) and body["allocation"] is not None
