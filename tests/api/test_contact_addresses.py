"""Who may give a contact a password, and an address being either a staff member's or a
requester's, never both, whichever door would make the second one (API.md, Setting up)."""

import pytest
from django.contrib.auth import get_user_model

from core.models import AuditLog
from tests import factories
from tickets.models import Contact, Ticket

pytestmark = pytest.mark.django_db
User = get_user_model()

LOGIN_TAKEN = ["This address belongs to an existing login."]
CONTACT_TAKEN = ["A requester (contact) has this e-mail address."]


def counts() -> tuple[int, int, int, int]:
    """The rows a refused call must not have written."""
    return (
        Contact.objects.count(),
        User.objects.count(),
        Ticket.objects.count(),
        AuditLog.objects.count(),
    )


# --- a contact's password --------------------------------------------------------------------


def test_an_agents_password_for_a_contact_is_a_400_on_password(api, agent):
    before = counts()
    response = api.as_(agent).post(
        "/api/v1/contacts/",
        {
            "email": "pw.x@example.net",
            "name": "x",
            "tier": "standard",
            "password": "Secret-123-abc",
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"] == {
        "password": [
            "Only managers and admins set a contact's password; invite the contact to choose one."
        ]
    }
    assert counts() == before
    assert not Contact.objects.filter(email="pw.x@example.net").exists()


def test_a_manager_still_sets_a_contacts_password(api, manager):
    response = api.as_(manager).post(
        "/api/v1/contacts/",
        {"email": "pw.y@example.net", "name": "y", "password": "Secret-123-abc"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["can_sign_in"] is True


# --- a ticket's requester given by e-mail ----------------------------------------------------


def staff_member(**changes):
    return factories.AgentFactory(
        username="omar", email="omar.network@servicedesk.example", **changes
    )


@pytest.mark.parametrize(
    "address", ["omar.network@servicedesk.example", "Omar.Network@ServiceDesk.example"]
)
def test_a_staff_address_as_a_new_requester_is_a_400(api, agent, address):
    staff_member()
    before = counts()
    response = api.as_(agent).post(
        "/api/v1/tickets/",
        {"title": "VPN down", "requester": {"email": address, "name": "Omar"}},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"] == {"requester.email": LOGIN_TAKEN}
    assert counts() == before
    assert not Contact.objects.filter(email__iexact=address).exists()


def test_a_manager_cannot_make_a_staff_address_a_requester_either(api, manager):
    staff_member()
    response = api.as_(manager).post(
        "/api/v1/tickets/",
        {"title": "VPN down", "requester": {"email": "omar.network@servicedesk.example"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"requester.email": LOGIN_TAKEN}
    assert not Ticket.objects.exists()


def test_a_new_requester_address_still_makes_a_contact(api, agent):
    staff_member()
    response = api.as_(agent).post(
        "/api/v1/tickets/",
        {"title": "VPN down", "requester": {"email": "ana@customer.example", "name": "Ana"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["requester"]["email"] == "ana@customer.example"
    assert Contact.objects.filter(email="ana@customer.example", name="Ana").exists()


def test_a_known_requester_is_found_as_before(api, agent, requester):
    response = api.as_(agent).post(
        "/api/v1/tickets/",
        {"title": "VPN down", "requester": {"email": requester.contact.email}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Ticket.objects.get().requester_id == requester.contact.pk


# --- an agent's address ----------------------------------------------------------------------

AGENT = {
    "username": "alice.agent",
    "email": "alice@acme.example",
    "name": "Alice Agent",
    "password": "a-strong-pass-42",
    "role": "agent",
    "teams": ["network"],
    "max_capacity": 5,
}


@pytest.mark.parametrize("address", ["alice@acme.example", "ALICE@acme.example"])
def test_a_requesters_address_for_a_new_agent_is_a_400_on_email(api, admin_user, team, address):
    factories.ContactFactory(email="alice@acme.example", name="Alice")
    before = counts()
    response = api.as_(admin_user).post(
        "/api/v1/agents/", AGENT | {"email": address}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"] == {"email": CONTACT_TAKEN}
    assert counts() == before
    assert not User.objects.filter(username="alice.agent").exists()


def test_an_agent_with_a_fresh_address_is_still_created(api, admin_user, team):
    factories.ContactFactory(email="alice@acme.example", name="Alice")
    response = api.as_(admin_user).post(
        "/api/v1/agents/", AGENT | {"email": "alice@desk.example"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert User.objects.get(username="alice.agent").email == "alice@desk.example"


@pytest.mark.parametrize("address", ["nina@desk.example", "NINA@desk.example"])
def test_another_staff_members_address_for_a_new_agent_is_a_400_on_email(
    api, admin_user, team, address
):
    factories.AgentFactory(username="nina", email="nina@desk.example", teams=[team])
    before = counts()
    response = api.as_(admin_user).post(
        "/api/v1/agents/", AGENT | {"email": address}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"] == {"email": ["Another user has this e-mail address."]}
    assert counts() == before and not User.objects.filter(username="alice.agent").exists()
