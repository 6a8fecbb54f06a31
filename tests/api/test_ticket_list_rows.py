"""The ticket list builds its rows as plain dicts (desk.api.list_rows): the JSON is the same,
byte for byte, as TicketSerializer's over the same tickets (what the list answered before),
with every shape a row can take; and the page's queries do not grow with its rows."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from desk.api.serializers import TicketSerializer
from desk.api.views import with_related
from tests import factories
from tickets.actions import flags, lifecycle, ownership
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

LIST = "/api/v1/tickets/"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def make_desk(api, manager, agent, team) -> None:
    """Tickets of every shape: created through the API (SLA clock, routing decision), owned,
    flagged twice, waiting (a paused clock), resolved (met), a VIP company's requester, an
    owner with and without a full name, and factory tickets with no clock, decision or team."""
    company = factories.CompanyFactory(tier="vip")
    factories.ContactFactory(email="boss@vip.example", name="", company=company, tier="standard")
    bodies = [
        {"title": "Printer jam", "requester": {"email": "boss@vip.example"}, "priority": "high"},
        {"title": "VPN down", "description": "Since 9:00 \u00e9\u00e8 \u2014 <b>x</b>",
         "requester": {"email": "ann@customer.example", "name": "Ann O'Neil"}},
        {"title": "Mail", "category": "email", "requester": {"email": "bo@customer.example"}},
        {"title": "Disk", "urgency": "1", "impact": "2",
         "requester": {"email": "cy@customer.example"}},
    ]  # fmt: skip
    created = []
    for body in bodies:
        response = api.as_(manager).post(LIST, body, format="json")
        assert response.status_code == 201, response.json()
        created.append(response.json()["id"])
    Ticket.objects.filter(pk__in=created).update(team=team)
    ownership.accept_ticket(ticket_id=created[0], actor=agent)
    flags.add_flag(ticket_id=created[0], actor=agent, kind="vip")
    flags.add_flag(ticket_id=created[0], actor=agent, kind="social_media")
    ownership.accept_ticket(ticket_id=created[1], actor=agent)
    lifecycle.wait_ticket(ticket_id=created[1], actor=agent, reason="asked")
    ownership.accept_ticket(ticket_id=created[2], actor=agent)
    lifecycle.resolve_ticket(ticket_id=created[2], actor=agent, resolution="Reset it.")
    nameless = factories.AgentFactory(teams=[team], first_name="", last_name="")
    factories.TicketFactory(team=None)
    factories.TicketFactory(team=team, owner=nameless, source="servicenow", external_id="INC9")


def serialized_before(user_tickets, response_body: dict) -> bytes:
    """TicketSerializer over the tickets the page lists, in its order, in the page's envelope:
    what the list answered before it built its rows itself."""
    ids = [row["id"] for row in response_body["results"]]
    tickets = {str(t.pk): t for t in with_related(user_tickets.filter(pk__in=ids))}
    envelope = dict(response_body)
    envelope["results"] = TicketSerializer([tickets[i] for i in ids], many=True).data
    return JSONRenderer().render(envelope)


@time_machine.travel(NOW, tick=False)  # the SLA states of both reads at one instant
@pytest.mark.parametrize(
    "query",
    [{}, {"ordering": "-created_at"}, {"status": "waiting"}, {"page_size": 2, "page": 2}],
)
def test_list_json_is_byte_for_byte_the_serializers(api, manager, agent, team, query):
    make_desk(api, manager, agent, team)
    response = api.as_(manager).get(LIST, query)
    assert response.status_code == 200
    body = response.json()
    assert body["results"], "the page lists tickets"
    assert response.content == serialized_before(Ticket.objects.all(), body)


@time_machine.travel(NOW, tick=False)  # the SLA states of both reads at one instant
def test_list_rows_cover_every_shape(api, manager, agent, team):
    make_desk(api, manager, agent, team)
    rows = api.as_(manager).get(LIST, {"page_size": 100}).json()["results"]
    by_title = {row["title"]: row for row in rows}
    assert by_title["Printer jam"]["flags"] == ["social_media", "vip"]
    assert by_title["Printer jam"]["requester"]["tier"] == "vip"  # the company's tier
    assert by_title["Printer jam"]["owner"]["email"] == agent.email
    assert by_title["VPN down"]["sla"]["paused"] is True
    assert by_title["Mail"]["sla"]["state"] == "met"
    assert by_title["Mail"]["resolution"] == "Reset it."
    assert any(row["allocation"] is not None for row in rows)
    assert any(row["team"] is None and row["sla"] is None for row in rows)
    assert any(row["owner"] and row["owner"]["name"].startswith("agent") for row in rows)
    # and the agent sees the same bytes as the serializer over what the agent may see
    response = api.as_(agent).get(LIST)
    mine = Ticket.objects.filter(team=team)
    assert response.content == serialized_before(mine, json.loads(response.content))


def test_list_queries_do_not_grow_with_rows(api, manager, agent, team):
    make_desk(api, manager, agent, team)
    Ticket.objects.exclude(pk__in=Ticket.objects.order_by("created_at")[:2]).delete()
    api.as_(manager)
    with CaptureQueriesContext(connection) as two:
        assert len(api.get(LIST).json()["results"]) == 2
    for n in range(25):  # routed, with clocks, owned and flagged
        body = {"title": f"T{n}", "requester": {"email": f"r{n}@customer.example"}}
        created = api.post(LIST, body, format="json").json()["id"]
        ownership.accept_ticket(ticket_id=created, actor=agent)
        flags.add_flag(ticket_id=created, actor=agent, kind="vip")
    factories.TicketFactory.create_batch(5, team=None)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(LIST, {"page_size": 100}).json()["results"]) == 32
    assert len(many) == len(two), [q["sql"][:80] for q in many.captured_queries]
