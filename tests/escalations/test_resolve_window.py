"""The window between a ticket's resolve and escalations hearing of it.

Resolving cancels the ticket's open envelopes after the commit (escalations hears
``ticket.resolved``); until then they still read pending or active. In a server that delivery
comes from the deliverer, after the answer: here it is held (the deliverer busy, the streams
queued) so the window stays open for as long as a test needs. The envelope's actions read the
ticket under its lock, so nothing started in the window stands."""

import pytest

from core import tasks as core_tasks
from core.exceptions import InvalidTransition
from core.models import AuditLog, OutboxEvent
from escalations.actions import envelopes
from escalations.models import Envelope
from tests.commits import QueuedDeliverer
from tickets.actions import lifecycle
from tickets.models import TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def hold(monkeypatch):
    """Call it to hold every later commit's delivery (the setup before it is delivered)."""

    def held() -> QueuedDeliverer:
        deliverer = QueuedDeliverer()
        monkeypatch.setattr(core_tasks, "deliverer", deliverer)
        return deliverer

    return held


def url(envelope_id, action: str) -> str:
    return f"/api/v1/envelopes/{envelope_id}/{action}/"


def opened(api, ticket, owner, team) -> str:
    body = {"team": str(team.pk), "reason": "Need a DBA"}
    response = api.as_(owner).post(f"/api/v1/tickets/{ticket.pk}/envelopes/", body)
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def resolved(api, ticket, owner) -> None:
    response = api.as_(owner).post(f"/api/v1/tickets/{ticket.pk}/resolve/", {"resolution": "Ok"})
    assert (response.status_code, response.json()["status"]) == (200, "resolved")


def written(ticket) -> tuple[int, int, int]:
    """What an action leaves: timeline lines, audit rows, events."""
    return (
        TimelineEntry.objects.filter(ticket=ticket).count(),
        AuditLog.objects.filter(ticket_id=ticket.pk).count(),
        OutboxEvent.objects.filter(stream=f"ticket:{ticket.pk}").count(),
    )


def envelope_state(envelope_id) -> tuple:
    return Envelope.objects.values_list("status", "assigned_to", "updated_at").get(pk=envelope_id)


def refused(response) -> None:
    assert response.status_code == 409, response.json()
    assert "resolved" in response.json()["errors"]["non_field_errors"][0]


def test_an_envelope_of_a_resolved_ticket_is_not_accepted_before_its_cancellation(
    api, owned, agent, dba, expert, hold
):
    envelope_id = opened(api, owned, agent, dba)
    deliveries = hold()
    resolved(api, owned, agent)
    before, state = written(owned), envelope_state(envelope_id)
    assert state[0] == "pending"  # the window: escalations has not heard of the resolve yet

    refused(api.as_(expert).post(url(envelope_id, "accept")))

    assert (written(owned), envelope_state(envelope_id)) == (before, state)
    deliveries.deliver()
    assert envelope_state(envelope_id)[0] == "cancelled"


@pytest.mark.parametrize(
    ("who", "action", "body"),
    [
        ("expert", "entries", {"content": "Found it"}),
        ("agent", "entries", {"content": "Still there?"}),
        ("expert", "complete", {"summary": "Index rebuilt"}),
    ],
)
def test_an_active_envelope_of_a_resolved_ticket_takes_no_more_work(
    api, owned, agent, dba, expert, hold, who, action, body
):
    envelope_id = opened(api, owned, agent, dba)
    assert api.as_(expert).post(url(envelope_id, "accept")).status_code == 200
    deliveries = hold()
    resolved(api, owned, agent)
    before, state = written(owned), envelope_state(envelope_id)
    assert state[0] == "active"

    actor = {"expert": expert, "agent": agent}[who]
    refused(api.as_(actor).post(url(envelope_id, action), body))

    assert (written(owned), envelope_state(envelope_id)) == (before, state)
    deliveries.deliver()
    assert envelope_state(envelope_id)[0] == "cancelled"


def test_the_owner_may_still_cancel_in_the_window(api, owned, agent, dba, hold):
    envelope_id = opened(api, owned, agent, dba)
    deliveries = hold()
    resolved(api, owned, agent)

    response = api.as_(agent).post(url(envelope_id, "cancel"), {"reason": "Resolved"})

    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    deliveries.deliver()
    assert envelope_state(envelope_id)[0] == "cancelled"


def test_an_open_ticket_envelope_is_accepted_whatever_the_delivery(
    api, owned, agent, dba, expert, hold
):
    envelope_id = opened(api, owned, agent, dba)
    deliveries = hold()

    response = api.as_(expert).post(url(envelope_id, "accept"))

    assert (response.status_code, response.json()["status"]) == (200, "active")
    deliveries.deliver()
    assert envelope_state(envelope_id)[:2] == ("active", expert.pk)


def test_a_closed_ticket_envelope_is_refused_by_the_action_too(owned, agent, dba, expert, hold):
    envelope = envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="DBA")
    hold()
    lifecycle.resolve_ticket(ticket_id=owned.pk, actor=agent, resolution="Ok")
    lifecycle.close_ticket(ticket_id=owned.pk, actor=agent)

    with pytest.raises(InvalidTransition, match="The ticket is closed"):
        envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)
    assert envelope_state(envelope.pk)[:2] == ("pending", None)
