"""What one create costs the database, through each door, with the delivery after the answer
(the server's deliverer thread): a constant number of statements, the ticket's four rows in one
of them on PostgreSQL (core.inserts), and every row there."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from core.models import AuditLog, OutboxEvent
from integrations.actions.keys import create_api_key
from tickets.models import Contact, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def api_body(n: int) -> dict:
    return {
        "title": f"VPN drops every hour {n}",
        "description": "Since Monday.",
        "category": "network",
        "priority": "high",
        "requester": {"email": "known@customer.example", "name": "Known Requester"},
    }


def webhook_body(n: int) -> dict:
    return {
        "ticket_id": f"SRC-{n}",
        "title": f"Printer on fire {n}",
        "description": "Smoke.",
        "category": "hardware",
        "urgency": "2",
        "impact": "2",
        "requester": {"email": "known@customer.example", "name": "Known Requester"},
    }


def statements(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries]


def assert_written(ticket_id: str) -> None:
    """The ticket, its first timeline entry, its audit row and its event: all four."""
    ticket = Ticket.objects.get(pk=ticket_id)
    assert TimelineEntry.objects.filter(ticket=ticket, type="system").count() == 1
    assert AuditLog.objects.filter(ticket_id=ticket.pk, action="ticket.created").count() == 1
    event = OutboxEvent.objects.get(stream=f"ticket:{ticket.pk}", name="ticket.created")
    assert event.data["ticket"]["reference"] == ticket.reference
    assert event.dispatched_at is None  # queued: delivered after the answer


def test_an_api_create_costs_a_constant_number_of_statements(manager, queued):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(manager)}")
    assert client.post("/api/v1/tickets/", api_body(0), format="json").status_code == 201
    for n in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/api/v1/tickets/", api_body(n), format="json")
        assert response.status_code == 201, response.json()
        sql = statements(queries)
        # The user with their role; the transaction (a savepoint in the test's); the requester;
        # the reference (PostgreSQL: its sequence; SQLite: the counter row, read, locked and
        # written); the ticket, entry, audit row and event: one statement on PostgreSQL.
        assert len(sql) == (6 if POSTGRESQL else 11), sql
        if POSTGRESQL:
            inserts = [s for s in sql if "INSERT" in s]
            assert len(inserts) == 1 and inserts[0].startswith("WITH "), inserts
        assert_written(response.json()["id"])
    assert queued.streams[-1] == f"ticket:{response.json()['id']}"


def test_a_webhook_create_costs_a_constant_number_of_statements(queued):
    key = create_api_key(source="generic", name="generic key")[1]
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_X_SOURCE_ID="generic")

    def post(n: int):
        body = json.dumps(webhook_body(n))
        return client.generic("POST", "/api/v1/webhooks/ticket", body, "application/json")

    assert post(0).status_code == 202
    for n in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = post(n)
        assert response.status_code == 202, response.json()
        sql = statements(queries)
        # The key; the transaction; is the source id known; create_ticket's savepoint; the
        # requester; the reference; the four rows (one statement on PostgreSQL); the delivery
        # log row and its audit row.
        assert len(sql) == (11 if POSTGRESQL else 16), sql
        assert_written(response.json()["ticket_id"])
    # A retry of the same delivery is still harmless: the same ticket, nothing new written.
    tickets = Ticket.objects.count()
    again = post(2)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert again.json()["ticket_id"] == response.json()["ticket_id"]
    assert Ticket.objects.count() == tickets


def test_a_new_requester_costs_three_statements_more(manager, queued):
    """Whether a login (a staff member's) has the address (refused then), their company by
    e-mail domain, and the contact in a savepoint of its own (so a concurrent first ticket of
    the same address finds the other's contact)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(manager)}")
    client.post("/api/v1/tickets/", api_body(0), format="json")
    body = {**api_body(1), "requester": {"email": "new@customer.example", "name": "New"}}
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201
    # The contact read that found none, the login read, the company, and SAVEPOINT, INSERT,
    # RELEASE.
    assert len(statements(queries)) == (6 if POSTGRESQL else 11) + 5, statements(queries)
    assert Contact.objects.get(email="new@customer.example").name == "New"


def test_bad_input_is_refused_at_the_door_with_field_errors(manager, queued):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(manager)}")
    before = Ticket.objects.count()
    body = {**api_body(3), "priority": "urgent-ish", "requester": {"email": "not-an-address"}}
    response = client.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"priority", "requester"}, errors
    assert Ticket.objects.count() == before and OutboxEvent.objects.count() == 0
