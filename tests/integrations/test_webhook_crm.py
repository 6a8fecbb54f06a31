"""The StandardTicket webhook takes the requester's CRM id: a contact with that id is the
requester before any match by e-mail; otherwise the e-mail's contact (which takes the id if it
has none), or a new contact created with it (in the company of its domain)."""

import pytest

from tests import factories
from tickets.actions import companies
from tickets.models import Contact, Ticket

pytestmark = pytest.mark.django_db


def deliver(webhook, ticket_id: str, requester: dict):
    payload = {"ticket_id": ticket_id, "title": "Laptop will not boot", "requester": requester}
    return webhook("generic", payload)


def test_an_existing_contact_is_matched_by_crm_id_before_the_email(webhook):
    known = factories.ContactFactory(email="ann@acme.example", crm_id="hs-1001")
    response = deliver(webhook, "t1", {"email": "ann.new@acme.example", "crm_id": "hs-1001"})
    assert response.status_code == 202, response.content
    assert Ticket.objects.get(external_id="t1").requester == known
    assert not Contact.objects.filter(email="ann.new@acme.example").exists()


def test_a_new_contact_is_created_with_the_crm_id_in_its_company(webhook, manager):
    acme = companies.create_company(actor=manager, name="Acme", domains=["acme.example"])
    response = deliver(webhook, "t2", {"email": "Bob@ACME.example", "crm_id": "2002"})
    assert response.status_code == 202
    contact = Ticket.objects.get(external_id="t2").requester
    assert (contact.email, contact.crm_id, contact.company) == ("bob@acme.example", "2002", acme)
    assert deliver(webhook, "t3", {"email": "other@x.example", "crm_id": "2002"}).status_code == 202
    assert Ticket.objects.get(external_id="t3").requester == contact


def test_a_known_email_without_a_crm_id_takes_it_and_another_id_is_kept(webhook):
    plain = factories.ContactFactory(email="cy@acme.example")
    linked = factories.ContactFactory(email="di@acme.example", crm_id="own")
    deliver(webhook, "t4", {"email": "cy@acme.example", "crm_id": "3003"})
    deliver(webhook, "t5", {"email": "di@acme.example", "crm_id": "4004"})
    plain.refresh_from_db()
    linked.refresh_from_db()
    assert (plain.crm_id, linked.crm_id) == ("3003", "own")
    assert Ticket.objects.get(external_id="t5").requester == linked


@pytest.mark.parametrize("crm_id", ["has space", "x" * 101, "<script>", ["1"], {"a": 1}, True])
def test_a_bad_crm_id_is_a_400_with_its_field_and_nothing_is_written(webhook, crm_id):
    response = deliver(webhook, "t6", {"email": "ed@acme.example", "crm_id": crm_id})
    assert response.status_code == 400
    assert "requester.crm_id" in response.json()["errors"]
    assert not Ticket.objects.exists() and not Contact.objects.exists()
