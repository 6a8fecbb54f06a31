"""A digest whose e-mail fails is retried as one digest, not split."""

import datetime as dt

import pytest
from django.core import mail

from notifications.actions import notify as notifying
from notifications.models import NotificationQueue, QueueStatus
from notifications.tasks import send_digests
from tests.notifications.factories import NotificationPreferenceFactory
from tests.notifications.test_delivery import T0

pytestmark = [pytest.mark.django_db, pytest.mark.held_commits]


def test_a_failed_digest_is_retried_as_one(agent, ticket, settings, time_machine):
    NotificationPreferenceFactory(user=agent, event_type="assigned", timing="hourly")
    time_machine.move_to(T0, tick=False)
    for _ in range(2):
        notifying.notify(recipients=[agent], event_type="assigned", ticket=ticket, payload={})
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    assert send_digests.delay().get() == 0
    rows = list(NotificationQueue.objects.all())
    assert {(r.status, r.attempts) for r in rows} == {(QueueStatus.PENDING, 1)}
    assert len({r.scheduled_for for r in rows}) == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(rows[0].scheduled_for, tick=False)
    assert send_digests.delay().get() == 1
    assert mail.outbox[0].subject == "Hourly digest: 2 notification(s)"
