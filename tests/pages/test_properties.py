"""The ticket page's properties sidebar: each edit through tickets.actions (audit row, the SLA
re-targeted by its subscriber), bad values refused with a message and nothing written, and
who may edit or transfer."""

import pytest
from django.urls import reverse

from core.models import AuditLog
from routing.models import AllocationDecision
from sla.actions.clocks import start_clock
from sla.models import SLAClock
from tests import factories
from tests.sla.factories import PolicyFactory
from tickets.actions import lifecycle
from tickets.models import Ticket, TimelineEntry

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def edit(client, ticket, htmx=True, **data):
    headers = HTMX if htmx else {}
    return client.post(reverse("desk:properties", args=[ticket.pk]), data, **headers)


def reload(ticket) -> Ticket:
    return Ticket.objects.select_related("team").get(pk=ticket.pk)


def audits(ticket, action="ticket.updated"):
    return list(AuditLog.objects.filter(ticket_id=ticket.pk, action=action))


@pytest.fixture
def clocked(ticket, policy):
    start_clock(ticket_id=ticket.pk)
    return ticket


def test_the_sidebar_shows_the_form_to_an_agent_of_the_team(client, agent, ticket):
    client.force_login(agent)
    page = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert 'id="properties-form"' in page
    assert 'hx-post="/tickets/' in page and 'hx-select-oob="#ticket-head,#messages"' in page
    assert 'id="transfer-form"' not in page  # agents do not transfer
    assert 'id="shortcuts"' in page and "js/shortcuts.js" in page


def test_a_priority_change_from_the_sidebar_retargets_the_sla(client, agent, clocked):
    # The seeded "Critical" policy (or this one, whichever is more specific) applies.
    PolicyFactory(name="Sidebar critical", priority="critical", resolution_minutes=30)
    before = SLAClock.objects.get(ticket=clocked).resolution_due
    client.force_login(agent)

    response = edit(client, clocked, priority="critical")

    assert response.status_code == 200
    clock = SLAClock.objects.select_related("policy").get(ticket=clocked)
    assert clock.policy.priority == "critical"
    assert clock.resolution_due < before
    assert reload(clocked).priority == "critical"
    [audit] = audits(clocked)
    assert audit.data == {"priority": ["medium", "critical"]}
    page = response.content.decode()
    assert "Saved: priority Medium → Critical." in page
    # The header htmx swaps in carries the new priority and the re-targeted clock.
    assert 'class="badge prio-critical"' in page
    assert clock.resolution_due.isoformat().replace("+00:00", "Z")[:16] in page


def test_every_property_is_saved_in_one_post(client, agent, ticket, other_team):
    client.force_login(agent)
    response = edit(
        client,
        ticket,
        htmx=False,
        priority="high",
        urgency="2",
        impact="1",
        category=" hardware ",
        type="request",
        team=str(other_team.pk),
    )
    # The ticket left the agent's team: out of their sight, back to the queue with the message.
    assert response.status_code == 302 and response["Location"] == reverse("desk:queue")
    saved = reload(ticket)
    assert (saved.priority, saved.urgency, saved.impact) == ("high", "2", "1")
    assert (saved.category, saved.type, saved.team) == ("hardware", "request", other_team)
    [audit] = audits(ticket)
    assert set(audit.data) == {"priority", "urgency", "impact", "category", "type", "team"}
    page = client.get(reverse("desk:queue")).content.decode()
    assert "Saved: priority Medium → High;" in page and "team Network" in page


def test_moving_to_another_team_by_htmx_redirects_the_browser(client, agent, ticket, other_team):
    client.force_login(agent)
    response = edit(client, ticket, team=str(other_team.pk))
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("desk:queue")


def test_an_empty_team_sends_the_ticket_back_to_routing(client, manager, ticket):
    client.force_login(manager)
    response = edit(client, ticket, team="")
    assert response.status_code == 200
    [audit] = audits(ticket)
    assert audit.data == {"team": [str(ticket.team_id), None]}
    # Routing heard ticket.updated and routed the ticket without a team again.
    assert AllocationDecision.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("priority", "urgent", "Priority: Select a valid choice. urgent is not one of"),
        ("urgency", "9", "Urgency: Select a valid choice. 9 is not one of"),
        ("impact", "0", "Impact: Select a valid choice."),
        ("type", "incidentt", "Type: Select a valid choice."),
        ("category", "x" * 101, "Category: Ensure this value has at most 100 characters"),
        ("team", "not-a-team", "Team: Pick a team from the list."),
        ("team", "6c0d4f8e-0000-4000-8000-000000000000", "Team: Pick a team from the list."),
    ],
)
def test_a_bad_value_is_refused_with_a_message_and_nothing_written(
    client, agent, ticket, field, value, message
):
    client.force_login(agent)
    before = reload(ticket)
    response = edit(client, ticket, **{"priority": "high", field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing saved:" in page and message in page
    assert 'class="error field-error"' in page
    after = reload(ticket)
    assert (after.priority, after.urgency, after.impact, after.type, after.category) == (
        before.priority,
        before.urgency,
        before.impact,
        before.type,
        before.category,
    )
    assert audits(ticket) == []


def test_an_empty_post_changes_nothing(client, agent, ticket):
    client.force_login(agent)
    response = edit(client, ticket)
    assert response.status_code == 400
    assert "Nothing to change." in response.content.decode()


def test_an_unchanged_form_writes_nothing(client, agent, ticket):
    client.force_login(agent)
    response = edit(client, ticket, priority=ticket.priority, category=ticket.category)
    assert response.status_code == 200
    assert "Nothing changed." in response.content.decode()
    assert audits(ticket) == []


def test_a_closed_ticket_is_not_edited(client, agent, owned):
    lifecycle.resolve_ticket(ticket_id=owned.pk, actor=agent, resolution="Fixed")
    lifecycle.close_ticket(ticket_id=owned.pk, actor=agent)
    client.force_login(agent)
    assert (
        'id="properties-form"'
        not in client.get(reverse("desk:detail", args=[owned.pk])).content.decode()
    )
    response = edit(client, owned, priority="critical")
    assert response.status_code == 400
    assert "A closed ticket cannot be edited." in response.content.decode()
    assert reload(owned).priority == "medium" and audits(owned) == []


def test_a_requester_cannot_edit(client, requester, ticket):
    client.force_login(requester)
    response = edit(client, ticket, priority="critical")
    assert response.status_code == 403
    assert reload(ticket).priority == "medium"
    page = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert 'id="properties"' not in page


def test_an_agent_of_another_team_cannot_edit(client, other_agent, ticket):
    client.force_login(other_agent)
    assert edit(client, ticket, priority="critical").status_code == 404  # out of sight
    # Given a task on it, they see the ticket but still may not edit it.
    factories.TaskFactory(ticket=ticket, assigned_to=other_agent)
    response = edit(client, ticket, priority="critical")
    assert response.status_code == 403
    assert "Only the owner, an agent of the ticket&#x27;s team" in response.content.decode()
    assert reload(ticket).priority == "medium" and audits(ticket) == []
    page = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert 'id="properties-form"' not in page and "Urgency / impact" in page


def transfer(client, ticket, **data):
    return client.post(reverse("desk:transfer", args=[ticket.pk]), data)


def test_a_manager_transfers_ownership_with_a_reason(client, manager, owned, team):
    colleague = factories.AgentFactory(teams=[team], email="colleague@example.com")
    client.force_login(manager)
    page = client.get(reverse("desk:detail", args=[owned.pk])).content.decode()
    assert 'id="transfer-form"' in page

    response = transfer(client, owned, to=colleague.pk, reason="agent_on_extended_leave")

    assert response.status_code == 302
    assert reload(owned).owner_id == colleague.pk
    [audit] = audits(owned, "ticket.transferred")
    assert audit.data["reason"] == "agent_on_extended_leave"
    assert TimelineEntry.objects.filter(
        ticket=owned, type="system", content__startswith="Ownership transferred"
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert f"{owned.reference} now belongs to" in page


def test_a_transfer_needs_a_known_reason_and_an_agent(client, manager, owned, agent):
    client.force_login(manager)
    response = transfer(client, owned, to=agent.pk, reason="bored")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing saved:" in page and "Reason: Select a valid choice." in page
    # The current owner is not on the list.
    assert (
        "Pick an active agent from the list."
        in transfer(client, owned, to=agent.pk, reason="agent_terminated").content.decode()
    )
    assert reload(owned).owner_id == agent.pk and audits(owned, "ticket.transferred") == []


def test_an_agent_cannot_transfer(client, agent, owned, team):
    colleague = factories.AgentFactory(teams=[team])
    client.force_login(agent)
    response = transfer(client, owned, to=colleague.pk, reason="agent_terminated")
    assert response.status_code == 403
    assert "Only a manager or an admin may transfer ownership." in response.content.decode()
    assert reload(owned).owner_id == agent.pk
