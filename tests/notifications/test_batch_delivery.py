"""The due e-mails of a batch (notify_many, deliver_many) go over one connection to the mail
server, each row with its own outcome: sent, retried with a backoff, failed for good."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from notifications import policy
from notifications.actions import notify as notifying
from notifications.actions.notify import NotifyRequest, notify_many
from notifications.models import NotificationQueue, QueueStatus
from notifications.tasks import deliver_due_notifications, deliver_notification
from tests import factories
from tests.notifications.smtp import smtp_server

pytestmark = pytest.mark.django_db

NIGHT = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)


# --- e-mail: one connection per batch ---------------------------------------------------------


class CountingBackend(EmailBackend):
    """The locmem backend, counting its connections (a backend instance is one connection: the
    SMTP backend's ``send_messages`` opens its own), that refuses the addresses in ``refuse``
    (as an SMTP server refuses a recipient) and accepts nothing for those in ``swallow``."""

    opened = 0
    refuse: set = set()
    swallow: set = set()

    def __init__(self, *args, **kwargs):
        type(self).opened += 1
        super().__init__(*args, **kwargs)

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0].split("<")[-1].rstrip(">")
            if address in self.refuse:
                raise smtplib.SMTPRecipientsRefused({address: (550, b"No such user")})
            if address in self.swallow:
                return 0
        return super().send_messages(messages)


@pytest.fixture
def counting(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened, CountingBackend.refuse, CountingBackend.swallow = 0, set(), set()
    return CountingBackend


def receipts(count: int) -> list[NotifyRequest]:
    return [
        NotifyRequest([ticket.requester], "ticket_received", ticket)
        for ticket in factories.TicketFactory.create_batch(count)
    ]


def test_a_batch_sends_its_emails_over_one_connection(counting):
    notify_many(requests=receipts(5))

    assert len(mail.outbox) == 5
    assert counting.opened == 1
    statuses = NotificationQueue.objects.values_list("status", flat=True)
    assert set(statuses) == {QueueStatus.SENT}


def test_one_task_and_one_connection_for_all_of_a_transactions_notifications(counting, agent):
    tickets = factories.TicketFactory.create_batch(3)
    with transaction.atomic():
        for ticket in tickets:  # several notify calls in one transaction: one batch
            notifying.notify(
                recipients=[ticket.requester],
                event_type="ticket_received",
                ticket=ticket,
                payload={},
            )
        notifying.notify(recipients=[agent], event_type="assigned", ticket=tickets[0], payload={})
    assert len(mail.outbox) == 4
    assert counting.opened == 1


def test_a_refused_recipient_retries_only_its_own_row(counting, time_machine):
    time_machine.move_to(NIGHT, tick=False)
    requests = receipts(4)
    refused = requests[1].ticket.requester.email
    counting.refuse = {refused}

    notify_many(requests=requests)

    rows = {row.to_email: row for row in NotificationQueue.objects.all()}
    bad = rows.pop(refused)
    assert (bad.status, bad.attempts) == (QueueStatus.PENDING, 1)
    assert bad.scheduled_for == NIGHT + policy.backoff(1)
    assert "SMTPRecipientsRefused" in bad.last_error
    assert {(row.status, row.attempts, row.last_error) for row in rows.values()} == {
        (QueueStatus.SENT, 1, "")
    }
    assert len(mail.outbox) == 3 and counting.opened == 1

    # Its retry (the beat's single path) goes once the server takes it.
    counting.refuse = set()
    time_machine.move_to(bad.scheduled_for, tick=False)
    assert deliver_due_notifications() == 1
    bad.refresh_from_db()
    assert (bad.status, bad.attempts) == (QueueStatus.SENT, 2)


def test_a_row_fails_for_good_after_its_last_attempt_and_an_unaccepted_one_is_retried(
    counting, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    requests = receipts(3)
    counting.refuse = {requests[0].ticket.requester.email}
    notify_many(requests=requests[:2])
    statuses = dict(NotificationQueue.objects.values_list("to_email", "status"))
    assert statuses == {
        requests[0].ticket.requester.email: QueueStatus.FAILED,
        requests[1].ticket.requester.email: QueueStatus.SENT,
    }

    settings.NOTIFICATIONS_MAX_ATTEMPTS = 5
    counting.swallow = {requests[2].ticket.requester.email}
    [result] = notify_many(requests=requests[2:])  # sent() == 0: retried, as send_email does
    row = NotificationQueue.objects.get(pk=result.queued[0].pk)
    assert (row.status, row.attempts) == (QueueStatus.PENDING, 1)
    assert "accepted no message" in row.last_error


def test_a_mail_server_that_is_down_fails_the_batch_for_a_retry(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    notify_many(requests=receipts(3))
    rows = list(NotificationQueue.objects.all())
    assert {(row.status, row.attempts) for row in rows} == {(QueueStatus.PENDING, 1)}
    assert all("refused" in row.last_error.lower() for row in rows)


# --- over a real SMTP connection --------------------------------------------------------------


@pytest.fixture
def smtp(settings):
    with smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
            "127.0.0.1",
            server.port,
            5,
        )
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


def test_a_batch_is_one_smtp_session_and_a_refused_recipient_fails_only_its_row(smtp):
    requests = receipts(6)
    refused = requests[2].ticket.requester.email
    smtp.refuse = {refused}

    notify_many(requests=requests)

    assert smtp.connections == 1
    assert len(smtp.messages) == 5
    statuses = dict(NotificationQueue.objects.values_list("to_email", "status"))
    assert statuses.pop(refused) == QueueStatus.PENDING
    assert set(statuses.values()) == {QueueStatus.SENT}


def test_the_single_path_opens_an_smtp_session_per_row(smtp):
    """The contrast that makes the test above mean something: the beat's path, row by row."""
    with transaction.atomic():
        rows = [row for result in notify_many(requests=receipts(3)) for row in result.queued]
        transaction.get_connection().run_on_commit.clear()  # held: nothing delivered yet
    for row in rows:
        deliver_notification(str(row.pk))
    assert (smtp.connections, len(smtp.messages)) == (3, 3)
