"""The ticket lifecycle speaks to the requester (and the owner) through notifications.notify,
and an internal note never reaches a requester."""

import pytest
from django.core import mail

from notifications.models import Notification, NotificationQueue
from tests import factories
from tickets.actions import creation, lifecycle, ownership, timeline

pytestmark = pytest.mark.django_db


def requester_events(ticket) -> list[str]:
    rows = NotificationQueue.objects.filter(ticket=ticket, contact=ticket.requester)
    return list(rows.order_by("created_at").values_list("event_type", flat=True))


@pytest.fixture
def opened(agent, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = creation.create_ticket(
            actor=agent,
            data=creation.NewTicket(
                title="VPN down", requester_email="pat@customer.example", team=team
            ),
        )
        ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    return ticket


def test_creation_sends_a_receipt(opened):
    assert requester_events(opened) == ["ticket_received"]
    assert any(opened.reference in message.subject for message in mail.outbox)
    assert mail.outbox[0].to == ["pat@customer.example"]


def test_public_reply_reaches_the_requester_internal_note_does_not(
    opened, agent, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        timeline.add_timeline_entry(
            ticket_id=opened.pk,
            actor=agent,
            type="note",
            visibility="internal",
            content="SECRET-internal-diagnosis",
        )
        timeline.add_timeline_entry(
            ticket_id=opened.pk,
            actor=agent,
            type="email",
            visibility="public",
            content="Please restart your router.",
        )
    assert requester_events(opened) == ["ticket_received", "public_reply"]
    bodies = " ".join(m.body + str(m.alternatives) for m in mail.outbox)
    assert "Please restart your router." in bodies
    assert "SECRET-internal-diagnosis" not in bodies


def test_waiting_and_resolved_messages(opened, agent, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.wait_ticket(ticket_id=opened.pk, actor=agent, reason="internal: user slow")
        lifecycle.resume_ticket(ticket_id=opened.pk, actor=agent)
        lifecycle.resolve_ticket(ticket_id=opened.pk, actor=agent, resolution="Router replaced.")
    assert requester_events(opened)[-2:] == ["waiting_on_you", "resolved"]
    resolved_mail = mail.outbox[-1]
    assert "Router replaced." in resolved_mail.body
    assert "/csat/" in resolved_mail.body  # the satisfaction link
    assert all("user slow" not in m.body for m in mail.outbox)


def test_requester_reply_tells_the_owner(opened, agent, requester):
    ticket = factories.TicketFactory(team=opened.team, requester=requester.contact)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=requester, type="email", visibility="public", content="Done!"
    )
    assert Notification.objects.filter(user=agent, ticket=ticket, event_type="reply").exists()


def test_transfer_tells_the_new_owner(opened, agent, manager, team):
    successor = factories.AgentFactory(teams=[team])
    ownership.transfer_ownership(
        ticket_id=opened.pk, actor=manager, to_user=successor, reason="agent_terminated"
    )
    assert Notification.objects.filter(user=successor, event_type="assigned").exists()
