"""Who may create people and passwords, and what the resulting logins can read.

The failure this guards against: an agent posted a contact with a colleague's address and a
password of their choosing, then signed in as that "requester" and read tickets of a team the
agent is not in. Now a login comes with a contact only by an invitation to the contact's own
address, or by a manager's or admin's password; and creating people never widens what any
existing login can see."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from rest_framework.test import APIClient

from tests import factories
from tests.security.world import ROLES, build_world
from tickets.models import Contact
from tickets.selectors import visible_tickets

pytestmark = pytest.mark.django_db
User = get_user_model()
PEOPLE = [role for role in ROLES if role not in ("anonymous", "integration")]


def as_(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_agent_cannot_mint_a_login_for_a_colleagues_address(agent, other_agent, other_team):
    other_agent.email = "colleague@corp.example"
    other_agent.save()
    # The colleague once filed a ticket as a requester, before any contact had a login.
    ticket = factories.TicketFactory(
        team=other_team, requester=factories.ContactFactory(email="someone@customer.example")
    )
    response = as_(agent).post(
        "/api/v1/contacts/",
        {"email": "colleague@corp.example", "password": "a-strong-pass-42"},
        format="json",
    )
    assert response.status_code == 400  # API.md: an agent's password is a field error
    assert list(response.json()["errors"]) == ["password"]
    assert not Contact.objects.filter(email="colleague@corp.example").exists()
    response = as_(agent).post(
        "/api/v1/contacts/", {"email": "Colleague@corp.example"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["email"] == ["This address belongs to an existing login."]
    assert visible_tickets(other_agent).filter(pk=ticket.pk).exists()  # unchanged


def test_an_agent_cannot_set_any_contacts_password(agent):
    contact = factories.ContactFactory(email="pat@customer.example")
    response = as_(agent).post(
        f"/api/v1/contacts/{contact.pk}/password/", {"password": "a-strong-pass-42"}, format="json"
    )
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.user_id is None


def test_an_invitation_is_a_one_time_link_to_the_contacts_own_address(agent, client):
    response = as_(agent).post(
        "/api/v1/contacts/", {"email": "new@customer.example", "invite": True}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["login"] == "invited" and response.json()["can_sign_in"] is False
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@customer.example"]
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    token = path.rstrip("/").split("/")[-1]
    assert token not in response.content.decode()  # the inviter never sees the link
    user = User.objects.get(email="new@customer.example")
    assert not user.has_usable_password()

    form = client.get("/" + path, follow=True)  # Django swaps the token for a session
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Chosen-by-Pat-77", "new_password2": "Chosen-by-Pat-77"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Chosen-by-Pat-77")
    # The link worked once.
    again = client.get("/" + path, follow=True)
    assert "invalid" in again.content.decode().lower()


def test_inviting_a_known_contact_mails_only_their_address(agent, other_agent, team):
    """The contact behind existing tickets gets the link; the inviter gets nothing to sign in
    with, and asking again sends a fresh link rather than a second login."""
    contact = factories.ContactFactory(email="known@customer.example")
    factories.TicketFactory(team=team, requester=contact)
    first = as_(agent).post(f"/api/v1/contacts/{contact.pk}/invite/", format="json")
    assert first.status_code == 200 and first.json()["login"] == "invited"
    again = as_(other_agent).post(f"/api/v1/contacts/{contact.pk}/invite/", format="json")
    assert again.status_code == 200
    assert [message.to for message in mail.outbox] == [["known@customer.example"]] * 2
    assert User.objects.filter(email="known@customer.example").count() == 1
    contact.refresh_from_db()
    assert not contact.user.has_usable_password()


def test_a_manager_sets_a_password_and_the_login_sees_only_its_own_tickets(manager, team):
    contact = factories.ContactFactory(email="pat@customer.example")
    mine = factories.TicketFactory(team=team, requester=contact)
    factories.TicketFactory(team=team)  # someone else's
    response = as_(manager).post(
        f"/api/v1/contacts/{contact.pk}/password/", {"password": "a-strong-pass-42"}, format="json"
    )
    assert response.status_code == 200 and response.json()["login"] == "active"
    api = APIClient()
    token = api.post(
        "/api/auth/token/",
        {"username": "pat@customer.example", "password": "a-strong-pass-42"},
        format="json",
    )
    assert token.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['access']}")
    listed = api.get("/api/v1/tickets/").json()["results"]
    assert [row["id"] for row in listed] == [str(mine.pk)]


def people_operations(world) -> list[tuple[str, str, dict]]:
    contact = world.users["requester"].contact
    bare = factories.ContactFactory(email="bare@customer.example")
    return [
        ("post", "/api/v1/contacts/", {"email": "plain@customer.example"}),
        ("post", "/api/v1/contacts/", {"email": "inv@customer.example", "invite": True}),
        ("post", "/api/v1/contacts/", {"email": "pw@customer.example", "password": "Pw-chosen-91"}),
        (
            "post",
            "/api/v1/contacts/",
            {"email": world.users["agent"].email, "password": "Pw-chosen-91"},
        ),
        ("post", f"/api/v1/contacts/{contact.pk}/invite/", {}),
        ("post", f"/api/v1/contacts/{contact.pk}/password/", {"password": "Pw-chosen-91"}),
        ("post", f"/api/v1/contacts/{bare.pk}/password/", {"password": "Pw-chosen-91"}),
        (
            "post",
            "/api/v1/agents/",
            {"username": "newbie", "email": "newbie@corp.example", "password": "Pw-chosen-91",
             "role": "agent", "teams": ["network"]},
        ),
    ]  # fmt: skip


@pytest.mark.parametrize("role", PEOPLE)
def test_every_role_through_every_people_endpoint(role):
    """No existing login sees more afterwards; a login whose password the actor chose sees
    nothing but its own contact's tickets; only managers and admins ever choose one."""
    world = build_world()
    actor = world.users[role]
    before = {user.pk: _seen(user) for user in User.objects.all()}
    hashes = dict(User.objects.values_list("pk", "password"))
    for method, path, body in people_operations(world):
        response = getattr(as_(actor), method)(path, body, format="json")
        assert response.status_code < 500, (path, response.status_code)
    for user in User.objects.all():
        if user.pk in before:
            assert _seen(user) == before[user.pk], f"{user} sees more after {role} acted"
    chosen = [user for user in User.objects.exclude(pk__in=before) if user.has_usable_password()]
    if role not in ("manager", "admin"):
        assert chosen == [], f"{role} chose a password for {chosen}"
    for user in chosen:
        contact = getattr(user, "contact", None)
        own = set(contact.tickets.values_list("pk", flat=True)) if contact else set()
        if contact is not None:
            assert _seen(user) <= own
    changed = {
        user.pk for user in User.objects.filter(pk__in=before) if user.password != hashes[user.pk]
    }
    requester = world.users["requester"].pk
    assert changed == ({requester} if role in ("manager", "admin") else set())


def _seen(user) -> set:
    return set(visible_tickets(user).values_list("pk", flat=True))
