"""A batch's in-app notifications written by notifications.actions.inserts: the rows Django's
bulk_create writes (each message's text sent once on PostgreSQL, in one statement), and rows
built positionally are the rows keywords build."""

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.actions import inserts
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

COMPARED = ("user_id", "event_type", "ticket_id", "title", "body", "payload", "read_at")


class Rollback(Exception):
    pass


def routed_notes(team, tickets, members) -> list[Notification]:
    """Each ticket's message to each member (one payload object per ticket), and one without
    a ticket."""
    notes = []
    for ticket in tickets:
        payload = {"message": f'{ticket.reference} was "routed" to {team.name}.', "n": [1, 2]}
        for user in members:
            notes.append(
                inserts.new_notification(
                    user=user,
                    event_type="routed",
                    ticket=ticket,
                    title=f"[{ticket.reference}] New for your team: {ticket.title}",
                    body=f"{ticket.reference} was routed to your team.\n\n{payload['message']}",
                    payload=payload,
                    created_at=timezone.now(),
                )
            )
    notes.append(
        inserts.new_notification(
            user=members[0],
            event_type="reminder",
            ticket=None,
            title="Reminder: call back",
            body='Call back {\\}, ["quoted"]',
            payload={"message": "Call back"},
            created_at=timezone.now(),
        )
    )
    return notes


def rows() -> list[tuple]:
    return sorted(
        tuple(str(getattr(note, name)) for name in COMPARED) for note in Notification.objects.all()
    )


def test_the_rows_are_the_rows_bulk_create_writes(team, django_assert_num_queries):
    members = [factories.AgentFactory(teams=[team]) for _ in range(3)]
    tickets = [factories.TicketFactory(team=team) for _ in range(4)]
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(routed_notes(team, tickets, members))
            expected = rows()
            raise Rollback
    except Rollback:
        pass
    notes = routed_notes(team, tickets, members)

    with django_assert_num_queries(1):
        inserts.insert(notes)

    assert rows() == expected and len(expected) == 13
    stored = {note.pk: note.created_at for note in Notification.objects.all()}
    assert stored == {note.pk: note.created_at for note in notes}
    assert all(not note._state.adding for note in notes)


def test_built_positionally_is_built_by_keywords(team, ticket, agent):
    now = timezone.now()
    fields = {"event_type": "routed", "title": "T", "body": "B", "payload": {"a": 1}}
    built = inserts.new_notification(user=agent, ticket=ticket, created_at=now, **fields)
    keywords = Notification(user=agent, ticket=ticket, created_at=now, **fields)

    for field in Notification._meta.concrete_fields:
        if field.name != "id":
            assert getattr(built, field.attname) == getattr(keywords, field.attname)
    assert built.user is agent and built.ticket is ticket and built.pk and not built.is_read
