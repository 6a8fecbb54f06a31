"""A burst of tickets told in batches: notifications.receipt and notifications.routed take a
wave's events at once (subscribe(batch=True)), notify_many plans and writes for all of them in
a constant number of statements, and the due e-mails of a batch go over one SMTP connection.
What they write and send is what the one-by-one path writes and sends."""

import datetime as dt
import json
import smtplib
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.subscriptions import Event, subscribers_of
from notifications import policy
from notifications.actions import notify as notifying
from notifications.actions.notify import NotifyRequest, notify_many
from notifications.models import Notification, NotificationQueue, QueueStatus
from tests import factories
from tests.notifications.factories import NotificationPreferenceFactory, QuietHoursFactory
from tests.notifications.smtp import smtp_server
from tickets.events import TICKET_CREATED, TICKET_ROUTED, stream_of, summary

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NIGHT = dt.datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # inside 22:00-07:00 UTC quiet hours


@dataclass
class Burst:
    """Who is involved: the routed team's members (one plain, one on an hourly e-mail digest,
    one with quiet hours and immediate e-mail), an agent of another team whom routing
    suggests, a team without agents, and a requester (a user) with quiet hours."""

    team: object
    empty: object
    plain: object
    digest: object
    quiet: object
    outsider: object
    requesters: list


@pytest.fixture
def burst(team, other_team, time_machine):
    time_machine.move_to(NIGHT, tick=False)
    plain = factories.AgentFactory(teams=[team])
    digest = factories.AgentFactory(teams=[team])
    NotificationPreferenceFactory(user=digest, event_type="routed", timing="hourly")
    quiet = factories.AgentFactory(teams=[team])
    NotificationPreferenceFactory(user=quiet, event_type="routed")
    QuietHoursFactory(user=quiet)
    outsider = factories.AgentFactory(teams=[other_team])
    NotificationPreferenceFactory(user=outsider, event_type="suggested")
    empty = factories.TeamFactory(slug="empty")
    return Burst(team, empty, plain, digest, quiet, outsider, requesters=[])


def tickets_of(burst: Burst, count: int) -> list:
    """Ticket i: every third one to the team without agents, the others to the team; the
    first requester is a user with quiet hours."""
    tickets = []
    for i in range(count):
        if i == 0:
            user = factories.RequesterFactory()
            QuietHoursFactory(user=user)
            contact = user.contact
        else:
            contact = factories.ContactFactory()
        team = burst.empty if i % 3 == 2 else burst.team
        tickets.append(factories.TicketFactory(team=team, requester=contact))
    return tickets


def suggested_for(burst: Burst, i: int):
    """Routing suggests the outsider for ticket 0, 3, ..., a member for 1, 4, ..., nobody for
    the team without agents."""
    return [burst.outsider.pk, burst.plain.pk, None][i % 3]


def created(tickets) -> list[Event]:
    return [
        Event(i, TICKET_CREATED, stream_of(t.pk), {"ticket": summary(t), "actor": None}, NIGHT)
        for i, t in enumerate(tickets)
    ]


def routed(burst: Burst, tickets) -> list[Event]:
    return [
        Event(
            i,
            TICKET_ROUTED,
            stream_of(t.pk),
            {
                "ticket": summary(t),
                "actor": None,
                "changed": {"team": [None, str(t.team_id)]},
                "suggested_agent": suggested_for(burst, i),
            },
            NIGHT,
        )
        for i, t in enumerate(tickets)
    ]


def subscriber(event_name: str, name: str):
    return next(s for s in subscribers_of(event_name) if s.name == name)


def handle(name: str, events: list[Event]) -> None:
    """The subscriber's call in a wave, in the wave's transaction (its commit runs the
    after-commit work: pushes and deliveries)."""
    with transaction.atomic():
        subscriber(events[0].name, name).handle_many(events)


def outcome() -> tuple:
    """What was written and sent, without the row ids (Message-IDs carry them)."""
    rows = sorted(
        (
            row.event_type,
            row.channel,
            row.timing,
            row.user_id or 0,
            str(row.contact_id),
            str(row.ticket_id),
            row.to_email,
            row.scheduled_for,
            row.status,
            row.attempts,
            json.dumps(row.payload, sort_keys=True),
        )
        for row in NotificationQueue.objects.all()
    )
    notes = sorted(
        (note.user_id, note.event_type, str(note.ticket_id), note.title, note.body)
        for note in Notification.objects.all()
    )
    sent = sorted(
        (
            tuple(email.to),
            email.subject,
            email.body,
            email.extra_headers.get("In-Reply-To") or email.extra_headers["Message-ID"],
        )
        for email in mail.outbox
    )
    return rows, notes, sent


def forget_all() -> None:
    NotificationQueue.objects.all().delete()
    Notification.objects.all().delete()
    mail.outbox.clear()


# --- the same as one by one -------------------------------------------------------------------


def test_a_batch_writes_and_sends_what_one_by_one_does(burst):
    tickets = tickets_of(burst, 6)
    received, routes = created(tickets), routed(burst, tickets)
    for event in received:  # a drain of one stream hands each subscriber a list of one
        handle("notifications.receipt", [event])
    for event in routes:
        handle("notifications.routed", [event])
    one_by_one = outcome()
    forget_all()

    handle("notifications.receipt", received)
    handle("notifications.routed", routes)

    assert outcome() == one_by_one
    rows, notes, sent = one_by_one
    assert len(rows) > 6 and len(notes) > 6 and len(sent) > 6  # the comparison is not empty


def test_who_hears_what_in_a_batch(burst):
    tickets = tickets_of(burst, 3)  # to the team (outsider suggested), the team, no agents
    handle("notifications.receipt", created(tickets))
    handle("notifications.routed", routed(burst, tickets))

    def notes(ticket, event_type):
        found = Notification.objects.filter(ticket=ticket, event_type=event_type)
        return set(found.values_list("user_id", flat=True))

    team = {burst.plain.pk, burst.digest.pk, burst.quiet.pk}
    assert notes(tickets[0], "routed") == team
    assert notes(tickets[0], "suggested") == {burst.outsider.pk}
    assert notes(tickets[1], "routed") == team - {burst.plain.pk}  # asked by name instead
    assert notes(tickets[1], "suggested") == {burst.plain.pk}
    assert not Notification.objects.filter(ticket=tickets[2]).exists()  # no agents to tell

    def email_row(ticket, **who):
        return NotificationQueue.objects.get(ticket=ticket, channel="email", **who)

    # Requesters have no quiet hours: the requester with a quiet-hours row hears at once.
    receipt = email_row(tickets[0], contact=tickets[0].requester)
    assert (receipt.status, receipt.sent_at) == (QueueStatus.SENT, NIGHT)
    # The digest agent's e-mail waits for the hour; the quiet one's for 07:00.
    digest = email_row(tickets[0], user=burst.digest)
    assert (digest.timing, digest.scheduled_for) == (
        "hourly",
        dt.datetime(2026, 3, 11, 0, tzinfo=UTC),
    )
    quiet = email_row(tickets[1], user=burst.quiet)
    assert (quiet.status, quiet.scheduled_for) == (
        QueueStatus.PENDING,
        dt.datetime(2026, 3, 11, 7, tzinfo=UTC),
    )
    suggested = email_row(tickets[0], user=burst.outsider)
    assert suggested.status == QueueStatus.SENT
    assert sorted(email.to[0].split("<")[1].rstrip(">") for email in mail.outbox) == sorted(
        [t.requester.email for t in tickets] + [burst.outsider.email]
    )


def test_an_agent_suggested_from_outside_the_team_is_asked_when_a_batch_routes_to_their_team(
    burst, other_team
):
    """The outsider belongs to a team another ticket of the wave is routed to."""
    first, second = (
        factories.TicketFactory(team=burst.team),
        factories.TicketFactory(team=other_team),
    )
    events = routed(burst, [first])  # suggests the outsider
    events += [
        Event(
            1,
            TICKET_ROUTED,
            stream_of(second.pk),
            {
                "ticket": summary(second),
                "actor": None,
                "changed": {"team": [None, str(other_team.pk)]},
                "suggested_agent": None,
            },
            NIGHT,
        )
    ]
    handle("notifications.routed", events)

    told = set(Notification.objects.values_list("ticket_id", "event_type", "user_id"))
    assert (first.pk, "suggested", burst.outsider.pk) in told
    assert (second.pk, "routed", burst.outsider.pk) in told


# --- statements: as many for 1 ticket as for 12 ---------------------------------------------


def count_queries(name: str, events: list[Event]) -> tuple[int, int]:
    """(statements of the subscriber in the wave's transaction, statements after its commit:
    pushes and the delivery of the due rows)."""
    with (
        CaptureQueriesContext(connection) as everything,
        transaction.atomic(),
        CaptureQueriesContext(connection) as inside,
    ):
        subscriber(events[0].name, name).handle_many(events)
    return len(inside), len(everything) - len(inside)


@pytest.mark.parametrize("name", ["notifications.receipt", "notifications.routed"])
def test_a_batch_costs_as_many_statements_for_twelve_tickets_as_for_one(
    burst, name, django_assert_num_queries
):
    def events(tickets):
        return created(tickets) if name == "notifications.receipt" else routed(burst, tickets)

    count_queries(name, events(tickets_of(burst, 1)))  # a warm process: templates memoised
    one = count_queries(name, events(tickets_of(burst, 1)))
    twelve = tickets_of(burst, 12)

    assert count_queries(name, events(twelve)) == one
    more = tickets_of(burst, 12)
    with django_assert_num_queries(sum(one)):  # in the wave's transaction and after its commit
        handle(name, events(more))

    # Each of the twelve was told: its requester, or its team's agents (not the empty team's).
    told = {row.ticket_id for row in NotificationQueue.objects.filter(ticket__in=more)}
    told |= {note.ticket_id for note in Notification.objects.filter(ticket__in=more)}
    expected = (
        more if name == "notifications.receipt" else [t for t in more if t.team_id == burst.team.pk]
    )
    assert told == {ticket.pk for ticket in expected}


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
    from notifications.tasks import deliver_due_notifications

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
    from notifications.tasks import deliver_notification

    with transaction.atomic():
        rows = [row for result in notify_many(requests=receipts(3)) for row in result.queued]
        transaction.get_connection().run_on_commit.clear()  # held: nothing delivered yet
    for row in rows:
        deliver_notification(str(row.pk))
    assert (smtp.connections, len(smtp.messages)) == (3, 3)
