"""A staff member's address named as the requester by a webhook delivery or an inbound mail.
No contact is made under it (API.md: an address is a staff member's or a requester's), and
neither door fails for it: a delivery needs only a title and a source id, and a mail cannot be
answered with an error. The ticket gets the placeholder requester a source without an e-mail
gets, and keeps the address it named in its metadata."""

import pytest

from tests import factories
from tests.integrations.conftest import sample
from tests.integrations.test_email import ingest, message
from tickets.models import Contact, Ticket

pytestmark = pytest.mark.django_db

STAFF = "omar.network@servicedesk.example"
REFUSED = {
    "email": STAFF,
    "name": "Omar",
    "reason": "This address belongs to an existing login.",
}


@pytest.fixture
def omar(db):
    return factories.AgentFactory(username="omar", email=STAFF)


def test_a_webhooks_staff_requester_gets_the_placeholder(webhook, omar):
    payload = sample("standard_ticket.json") | {"requester": {"email": STAFF, "name": "Omar"}}
    response = webhook("generic", payload)
    assert response.status_code == 202, response.json()
    ticket = Ticket.objects.select_related("requester").get(pk=response.json()["ticket_id"])
    assert ticket.requester.email == "unknown+generic@integrations.invalid"
    assert ticket.requester.latitude is None  # the staff member's place is not the placeholder's
    assert ticket.external_metadata["requester_refused"] == REFUSED
    assert not Contact.objects.filter(email__iexact=STAFF).exists()
    # Sources deliver at least once: the retry is a duplicate, not a failure.
    assert webhook("generic", payload).status_code == 200


def test_a_webhooks_new_requester_still_makes_a_contact(webhook, omar):
    response = webhook("generic", sample("standard_ticket.json"))
    assert response.status_code == 202, response.json()
    ticket = Ticket.objects.select_related("requester").get(pk=response.json()["ticket_id"])
    assert ticket.requester.email == "sam.jones@example.com"
    assert "requester_refused" not in ticket.external_metadata


def test_a_mail_from_a_staff_address_gets_the_placeholder(monkeypatch, omar):
    ingest(message(sender=f"Omar <{STAFF}>"), monkeypatch)
    ticket = Ticket.objects.select_related("requester").get()
    assert ticket.requester.email == "unknown+email@integrations.invalid"
    assert ticket.external_metadata["requester_refused"] == REFUSED
    assert not Contact.objects.filter(email__iexact=STAFF).exists()
