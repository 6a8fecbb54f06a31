"""Admin: every screen opens; failures are visible in the queue; retry and cancel go through
the services; a broken message template is refused."""

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditLog
from notifications.models import MessageTemplate, NotificationQueue, QueueStatus
from tests.notifications.factories import (
    NotificationFactory,
    NotificationPreferenceFactory,
    QuietHoursFactory,
    TeamChannelFactory,
)

pytestmark = pytest.mark.django_db


def failed_row(ticket, agent) -> NotificationQueue:
    return NotificationQueue.objects.create(
        channel="email",
        event_type="assigned",
        user=agent,
        to_email=agent.email,
        to_name="Agent",
        ticket=ticket,
        status=QueueStatus.FAILED,
        attempts=5,
        last_error="DeliveryError: HTTP 503: upstream down",
        scheduled_for="2026-01-01T00:00:00Z",
    )


@pytest.mark.parametrize(
    "model",
    [
        "notificationpreference",
        "quiethours",
        "teamchannel",
        "messagetemplate",
        "notificationqueue",
        "notification",
        "satisfactionrating",
    ],
)
def test_every_screen_opens(client, admin_user, agent, team, model):
    NotificationPreferenceFactory(user=agent)
    QuietHoursFactory(user=agent)
    TeamChannelFactory(team=team)
    NotificationFactory(user=agent)
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:notifications_{model}_changelist")).status_code == 200
    assert (
        client.get(reverse(f"admin:notifications_{model}_changelist"), {"q": "x"}).status_code
        == 200
    )


def test_failures_are_visible_in_the_queue(client, admin_user, agent, ticket):
    row = failed_row(ticket, agent)
    client.force_login(admin_user)
    page = client.get(
        reverse("admin:notifications_notificationqueue_changelist"), {"status": "failed"}
    )
    html = page.content.decode()
    assert "HTTP 503: upstream down" in html
    assert ticket.reference in html
    detail = client.get(reverse("admin:notifications_notificationqueue_change", args=[row.pk]))
    assert detail.status_code == 200


def test_retry_action_sends_again(
    client, admin_user, agent, ticket, django_capture_on_commit_callbacks
):
    row = failed_row(ticket, agent)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:notifications_notificationqueue_changelist"),
            {"action": "retry", "_selected_action": [str(row.pk)]},
        )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (QueueStatus.SENT, 1)
    assert len(mail.outbox) == 1
    assert AuditLog.objects.filter(action="notifications.retried", actor=admin_user).exists()


def test_cancel_action_stops_pending_rows(client, admin_user, agent, ticket):
    row = failed_row(ticket, agent)
    NotificationQueue.objects.filter(pk=row.pk).update(status=QueueStatus.PENDING)
    client.force_login(admin_user)
    client.post(
        reverse("admin:notifications_notificationqueue_changelist"),
        {"action": "cancel", "_selected_action": [str(row.pk)]},
    )
    row.refresh_from_db()
    assert row.status == QueueStatus.CANCELLED


def test_a_broken_template_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:notifications_messagetemplate_add"),
        {"event_type": "assigned", "subject": "{% if %}", "body": "ok", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Template error" in response.content.decode()
    assert not MessageTemplate.objects.exists()
