"""Flags told in batches: notifications.flags takes a wave's TICKET_FLAGGED events at once
and tells everyone in one notify_many. Who hears what is what the one-by-one path tells (each
event alone, as a drain of one stream hands it), in as many statements for twelve flags as for
one."""

import datetime as dt

import pytest

from core.subscriptions import Event
from notifications.models import Notification
from tests import factories
from tests.notifications.test_batches import count_queries, forget_all, handle, outcome
from tickets.events import TICKET_FLAGGED, stream_of, summary
from tickets.models import CaseFlag

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)
Kind = CaseFlag.Kind


def flagged(tickets_and_kinds, actor=None) -> list[Event]:
    who = {"id": actor.pk, "name": actor.get_full_name() or actor.email} if actor else None
    return [
        Event(
            i,
            TICKET_FLAGGED,
            stream_of(ticket.pk),
            {"ticket": summary(ticket), "actor": who, "kind": kind, "note": f"note {i}"},
            WHEN,
        )
        for i, (ticket, kind) in enumerate(tickets_and_kinds)
    ]


@pytest.fixture
def people(team, manager):
    members = [factories.AgentFactory(teams=[team]) for _ in range(3)]
    owner = factories.AgentFactory(teams=[team])
    return {"members": members, "owner": owner, "manager": manager}


@pytest.fixture
def wave(team, people, time_machine):
    """Repeat contacts on an owned ticket, an unowned one of the team and one of no team; a
    social-media flag; and a legal flag, which notifications leave to escalations."""
    time_machine.move_to(WHEN, tick=False)
    owned = factories.TicketFactory(team=team, owner=people["owner"], status="in_progress")
    unowned = factories.TicketFactory(team=team)
    nowhere = factories.TicketFactory(team=None)
    exposed = factories.TicketFactory(team=team)
    legal = factories.TicketFactory(team=team)
    return flagged(
        [
            (owned, Kind.REPEAT_CONTACT),
            (unowned, Kind.REPEAT_CONTACT),
            (nowhere, Kind.REPEAT_CONTACT),
            (exposed, Kind.SOCIAL_MEDIA),
            (legal, Kind.LEGAL),
        ],
        actor=people["owner"],
    )


def told(event: Event) -> set:
    ticket_id = event.data["ticket"]["id"]
    found = Notification.objects.filter(ticket_id=ticket_id, event_type="flagged")
    return set(found.values_list("user_id", flat=True))


def test_a_wave_of_flags_tells_who_one_by_one_tells(wave, people):
    for event in wave:
        handle("notifications.flags", [event])
    one_by_one = outcome()
    forget_all()

    handle("notifications.flags", wave)

    assert outcome() == one_by_one
    owned, unowned, nowhere, exposed, legal = wave
    assert told(owned) == {people["owner"].pk}
    assert told(unowned) == {user.pk for user in people["members"]} | {people["owner"].pk}
    assert told(nowhere) == set()
    assert told(exposed) == {people["manager"].pk}
    assert told(legal) == set()
    note = Notification.objects.get(ticket_id=exposed.data["ticket"]["id"])
    assert f"flagged for social media exposure by {exposed.data['actor']['name']}" in note.body


def test_twelve_flags_cost_as_many_statements_as_one(team, people, time_machine):
    time_machine.move_to(WHEN, tick=False)

    def repeats(count: int) -> list[Event]:
        tickets = [factories.TicketFactory(team=team) for _ in range(count)]
        return flagged([(ticket, Kind.REPEAT_CONTACT) for ticket in tickets])

    count_queries("notifications.flags", repeats(1))  # a warm process: templates memoised
    one = count_queries("notifications.flags", repeats(1))
    twelve = repeats(12)

    assert count_queries("notifications.flags", twelve) == one
    assert all(len(told(event)) == 4 for event in twelve)  # the team's four agents, each
