"""A burst of tickets told in batches: notifications.receipt and notifications.routed take a
wave's events at once (subscribe(batch=True)) and notify_many plans and writes for all of them
in a constant number of statements. What they write and send is what the one-by-one path
writes and sends. (The batch's e-mails over one connection: test_batch_delivery.py.)"""

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.subscriptions import Event, subscribers_of
from notifications.models import Notification, NotificationQueue, QueueStatus
from tests import factories
from tests.notifications.factories import NotificationPreferenceFactory, QuietHoursFactory
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
