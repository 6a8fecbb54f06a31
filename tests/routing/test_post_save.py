"""Routing follows the ticket's events: a ticket created or left without a team is routed
once, after the commit of the change, whichever door it came through; a ticket written without
its event (a plain model save) is caught by the periodic safety net."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import OutboxEvent
from routing.actions.route import route_unrouted
from routing.models import AllocationDecision
from tests import factories
from tickets.actions import creation, updates
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def new_ticket(actor, **overrides) -> Ticket:
    values = {
        "title": "VPN keeps dropping",
        "requester_email": "ann@customer.example",
        "category": "network",
    }
    return creation.create_ticket(actor=actor, data=creation.NewTicket(**(values | overrides)))


def test_created_without_team_is_routed_after_commit(eager_celery, team, manager):
    with transaction.atomic():  # the commit is this block's end
        ticket = new_ticket(manager)
        assert Ticket.objects.get(pk=ticket.pk).team is None  # not before the commit
    ticket.refresh_from_db()
    assert ticket.team == team
    assert AllocationDecision.objects.filter(ticket=ticket).count() == 1


def test_created_with_a_team_is_not_routed(
    eager_celery, team, other_team, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = new_ticket(manager, team=other_team)
    ticket.refresh_from_db()
    assert ticket.team == other_team
    assert not AllocationDecision.objects.exists()


def test_nothing_is_routed_when_the_transaction_rolls_back(team, manager):
    with pytest.raises(RuntimeError), transaction.atomic():
        new_ticket(manager)
        raise RuntimeError("roll back")
    assert not OutboxEvent.objects.exists()
    assert not AllocationDecision.objects.exists()


def test_routing_writes_do_not_schedule_routing_again(
    eager_celery, manager, django_capture_on_commit_callbacks
):
    # No team at all: routing decides nobody and must not loop on its own saves.
    with django_capture_on_commit_callbacks(execute=True):
        ticket = new_ticket(manager, category="", title="vpn")  # triage writes the category
    assert AllocationDecision.objects.filter(ticket=ticket).count() == 1
    ticket.refresh_from_db()
    assert ticket.category == "network"


def test_team_removed_by_an_update_is_routed_again(
    eager_celery, team, other_team, manager, django_capture_on_commit_callbacks
):
    ticket = factories.TicketFactory(team=other_team, category="network")
    with django_capture_on_commit_callbacks(execute=True):
        updates.update_ticket(ticket_id=ticket.pk, actor=manager, changes={"team": None})
    ticket.refresh_from_db()
    assert ticket.team == team


def test_a_ticket_written_without_its_event_is_routed_by_the_safety_net(eager_celery, team):
    ticket = factories.TicketFactory(team=None, category="network")  # a plain model save
    assert route_unrouted(now=timezone.now() + timedelta(minutes=2)) == 1
    ticket.refresh_from_db()
    assert ticket.team == team


def test_the_api_door_and_the_allocation_readable_on_the_ticket(
    eager_celery, team, requester, django_capture_on_commit_callbacks
):
    client = APIClient()
    client.force_authenticate(requester)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/tickets/", {"title": "wifi is down", "category": "network"}, format="json"
        )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.team == team
    decision = AllocationDecision.objects.get(ticket=ticket)
    from routing.selectors import latest_decisions
    from routing.serializers_shape import decision_payload

    payload = decision_payload(latest_decisions([ticket.pk])[ticket.pk])
    assert payload["decision_id"] == str(decision.pk)
    assert payload["allocation"]["group_id"] == str(team.pk)


def test_the_task_is_safe_to_run_twice_and_for_a_deleted_ticket(team):
    from routing.tasks import route_ticket_task

    ticket = factories.TicketFactory(team=None, category="network")
    first = route_ticket_task.apply(args=[str(ticket.pk)]).get()
    assert route_ticket_task.apply(args=[str(ticket.pk)]).get() is None
    assert first == str(AllocationDecision.objects.get(ticket=ticket).pk)
    assert route_ticket_task.apply(args=["00000000-0000-0000-0000-000000000000"]).get() is None
