"""The owner changes by accept (once) and transfer_ownership, and by no other door."""

import pytest
from django.urls import reverse

from core.exceptions import OwnershipLocked
from tests import factories
from tickets.actions import ownership
from tickets.lifecycle import InvalidTransition
from tickets.models import OwnerChangeRefused, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned_ticket(ticket, agent):
    return ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)


def test_model_save_cannot_change_the_owner(owned_ticket, other_agent, agent):
    loaded = Ticket.objects.get(pk=owned_ticket.pk)
    loaded.owner = other_agent
    with pytest.raises(OwnerChangeRefused):
        loaded.save()
    assert Ticket.objects.get(pk=owned_ticket.pk).owner == agent


def test_model_save_cannot_clear_the_owner(owned_ticket):
    loaded = Ticket.objects.get(pk=owned_ticket.pk)
    loaded.owner = None
    with pytest.raises(OwnerChangeRefused):
        loaded.save()


def test_model_save_cannot_set_an_owner_without_accept(ticket, agent):
    loaded = Ticket.objects.get(pk=ticket.pk)
    loaded.owner = agent
    with pytest.raises(OwnerChangeRefused):
        loaded.save()


def test_a_ticket_cannot_be_created_with_an_owner(team, agent):
    with pytest.raises(OwnerChangeRefused):
        Ticket.objects.create(
            reference="INC-2026-999999",
            title="sneaky",
            requester=factories.ContactFactory(),
            team=team,
            owner=agent,
        )


def test_queryset_update_cannot_change_the_owner(owned_ticket, other_agent, agent):
    with pytest.raises(OwnerChangeRefused):
        Ticket.objects.filter(pk=owned_ticket.pk).update(owner=other_agent)
    with pytest.raises(OwnerChangeRefused):
        Ticket.objects.filter(pk=owned_ticket.pk).update(owner_id=other_agent.pk)
    assert Ticket.objects.get(pk=owned_ticket.pk).owner == agent


def test_model_save_cannot_skip_the_status_machine(owned_ticket):
    loaded = Ticket.objects.get(pk=owned_ticket.pk)
    loaded.status = "closed"
    with pytest.raises(InvalidTransition):
        loaded.save()
    with pytest.raises(InvalidTransition):
        Ticket.objects.filter(pk=owned_ticket.pk).update(status="closed")


def test_other_fields_still_save(owned_ticket):
    loaded = Ticket.objects.get(pk=owned_ticket.pk)
    loaded.title = "Renamed"
    loaded.save()
    assert Ticket.objects.get(pk=owned_ticket.pk).title == "Renamed"


def test_accept_cannot_take_an_owned_ticket(owned_ticket, manager):
    with pytest.raises(OwnershipLocked):
        ownership.accept_ticket(ticket_id=owned_ticket.pk, actor=manager)


def test_admin_change_form_shows_owner_read_only_and_ignores_a_posted_owner(
    client, admin_user, owned_ticket, other_agent, agent
):
    client.force_login(admin_user)
    url = reverse("admin:tickets_ticket_change", args=[owned_ticket.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="owner"' not in page.content.decode()
    form = {
        "type": owned_ticket.type,
        "title": "Edited in the admin",
        "description": owned_ticket.description,
        "category": owned_ticket.category,
        "priority": "high",
        "urgency": "",
        "impact": "",
        "requester": owned_ticket.requester_id,
        "team": owned_ticket.team_id,
        "source": owned_ticket.source,
        "external_id": "",
        "external_metadata": "{}",
        "owner": other_agent.pk,  # not a form field: must be ignored
        **inline_management_data(),
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    owned_ticket.refresh_from_db()
    assert owned_ticket.title == "Edited in the admin"
    assert owned_ticket.priority == "high"
    assert owned_ticket.owner == agent


def inline_management_data() -> dict:
    data = {}
    for prefix in ("timeline", "tasks", "flags", "envelopes"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data
