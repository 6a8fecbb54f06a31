"""Repeat contacts of a wave found and linked at once (kb.repeats.link_repeat_contacts with
many events): the same links, scores, timeline lines, audit rows and flags as one ticket at a
time in the same order, in the same few queries whatever the wave's size; the candidates read
for many tickets are each ticket's own."""

import json

import pytest
from django.db import transaction

from core.models import AuditLog, OutboxEvent
from core.subscriptions import Event
from kb import repeat_candidates, repeats
from tickets.actions import companies, creation
from tickets.events import TICKET_CREATED
from tickets.models import CaseFlag, RepeatContact, Ticket, TimelineEntry

# The test holds the on-commit deliveries: it delivers the events itself.
pytestmark = [pytest.mark.django_db, pytest.mark.held_commits]

PRINTER = ("Printer on floor 3 jams", "The printer on floor 3 jams on every page since Monday.")
AGAIN = ("Floor 3 printer still jams", "Still jamming: the floor 3 printer jams on every page.")
VPN = ("VPN refuses my password", "The VPN client says my password is wrong since the update.")
VPN_AGAIN = ("VPN password refused again", "The VPN says my password is wrong again today.")


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.ITSM_REPEAT_CONTACT_THRESHOLD = 3
    settings.ITSM_REPEAT_CONTACT_WINDOW_DAYS = 7
    settings.ITSM_REPEAT_CONTACT_SCOPE = "requester"


def open_ticket(actor, text, *, email, category="hardware") -> Ticket:
    title, description = text
    data = creation.NewTicket(
        title=title, description=description, requester_email=email, category=category
    )
    return creation.create_ticket(actor=actor, data=data)


def wave_of(tickets: list[Ticket]) -> list[Event]:
    """The tickets' ``ticket.created`` events, oldest first (as a wave hands them over)."""
    rows = OutboxEvent.objects.filter(
        name=TICKET_CREATED, data__ticket__id__in=[str(t.pk) for t in tickets]
    ).order_by("id")
    return [Event(r.id, r.name, r.stream, r.data, r.occurred_at) for r in rows]


def burst(manager) -> list[Ticket]:
    """Four contacts of Ann on one issue (the third flags the original), Bob's two on another
    and one in another category, Carol's single ticket, and a colleague's at Ann's company."""
    ann, bob = "ann@customer.example", "bob@customer.example"
    return [
        open_ticket(manager, PRINTER, email=ann),
        open_ticket(manager, VPN, email=bob, category="network"),
        open_ticket(manager, AGAIN, email=ann),
        open_ticket(manager, VPN_AGAIN, email=bob, category="network"),
        open_ticket(manager, PRINTER, email=ann),
        open_ticket(manager, AGAIN, email="dan@customer.example"),
        open_ticket(manager, VPN, email="carol@elsewhere.example"),
        open_ticket(manager, AGAIN, email=ann),
        open_ticket(manager, AGAIN, email=bob, category="software"),
    ]


def outcome() -> dict:
    def by_ref(ticket_id):
        return Ticket.objects.get(pk=ticket_id).reference

    system_lines = TimelineEntry.objects.filter(type="system")
    return {
        "links": sorted(
            (by_ref(link.ticket_id), by_ref(link.original_id), link.score, link.matched_by)
            for link in RepeatContact.objects.all()
        ),
        "flags": sorted(
            (by_ref(flag.ticket_id), flag.note)
            for flag in CaseFlag.objects.filter(kind="repeat_contact")
        ),
        # Each ticket's own timeline, in order (a batch writes its tickets' lines together).
        "lines": sorted(
            [
                (by_ref(entry.ticket_id), entry.content)
                for entry in system_lines.order_by("created_at", "pk")
                if "repeat" in entry.content.lower() or entry.content.startswith("Flagged")
            ],
            key=lambda line: line[0],
        ),
        "flag_audits": sorted(
            (by_ref(row.ticket_id), json.dumps(row.data, sort_keys=True))
            for row in AuditLog.objects.filter(action="ticket.flagged")
        ),
        "audits": AuditLog.objects.filter(action="ticket.repeat_linked").count(),
    }


def delivered(events: list[Event], *, together: bool) -> dict:
    """What delivering the events leaves, rolled back after reading it."""
    try:
        with transaction.atomic():
            if together:
                repeats.link_repeat_contacts(events)
            else:
                for event in events:
                    repeats.link_repeat_contacts([event])
            seen = outcome()
            raise Rollback
    except Rollback:
        return seen


@pytest.mark.parametrize("scope", ["requester", "company"])
def test_a_wave_links_as_one_ticket_at_a_time(scope, manager, settings):
    settings.ITSM_REPEAT_CONTACT_SCOPE = scope
    companies.create_company(actor=manager, name="Customer", domains=["customer.example"])
    events = wave_of(burst(manager))

    one_by_one = delivered(events, together=False)
    together = delivered(events, together=True)

    assert together == one_by_one
    assert len(together["links"]) >= 4 and together["flags"]  # the burst does link and flag
    assert together["audits"] == len(together["links"])


@pytest.mark.parametrize("scope", ["requester", "company"])
@pytest.mark.parametrize("wave", [(4, 5, 6, 7, 8), (2, 7)])
def test_the_candidates_of_many_are_each_ones_own(wave, scope, manager, settings, monkeypatch):
    """A cut of two candidates per group (plus one per ticket of the wave) still gives each
    ticket its own most recent two, reading on its own the one the cut may have shortened
    (the wave's second ticket: its group has a newer ticket outside the wave)."""
    settings.ITSM_REPEAT_CONTACT_SCOPE = scope
    companies.create_company(actor=manager, name="Customer", domains=["customer.example"])
    monkeypatch.setattr(repeat_candidates, "CANDIDATES", 2)
    earlier = burst(manager)
    tickets = repeat_candidates.batch_tickets([earlier[n].pk for n in wave])
    alone = []
    real = repeat_candidates.candidates
    monkeypatch.setattr(
        repeat_candidates, "candidates", lambda ticket: alone.append(ticket.pk) or real(ticket)
    )

    found = repeat_candidates.candidates_of(list(tickets.values()))

    for ticket in tickets.values():
        own = real(ticket)
        assert [row.pk for row in found[ticket.pk].rows] == [row.pk for row in own.rows]
        assert found[ticket.pk].matched_by == own.matched_by
    assert alone == ([earlier[2].pk] if wave == (2, 7) else [])


@pytest.mark.parametrize("size", [1, 4, 12])
def test_a_wave_costs_the_same_queries_whatever_its_size(
    size, manager, django_assert_max_num_queries
):
    # Nobody reaches the threshold here: a flag is the flag service's own few statements.
    tickets = [
        open_ticket(manager, text, email=f"user{n // 2}@customer.example")
        for n, text in enumerate([PRINTER, AGAIN] * (size // 2) + [VPN] * (size % 2))
    ]
    events = wave_of(tickets)

    # The tickets, their candidates.
    with django_assert_max_num_queries(2):
        matches = repeats.find_matches([t.pk for t in tickets])
    # Savepoint and release, the tickets and candidates, the existing links and the issues'
    # counts, the lock, the links, the timeline lines and the audit rows.
    with django_assert_max_num_queries(10):
        repeats.link_repeat_contacts(events)

    assert RepeatContact.objects.count() == len(matches) == size // 2


def test_a_missing_ticket_fails_the_wave(manager):
    ticket = open_ticket(manager, PRINTER, email="ann@customer.example")
    with pytest.raises(Ticket.DoesNotExist):
        repeats.find_matches([ticket.pk, "7b0e5a4e-0000-4000-8000-000000000000"])


@pytest.mark.parametrize("issues", [1, 6])
def test_the_flags_of_a_wave_cost_the_same_statements_however_many_issues_reach_the_threshold(
    issues, manager, django_assert_max_num_queries
):
    emails = [f"user{n}@customer.example" for n in range(issues)]
    earlier = [open_ticket(manager, text, email=e) for e in emails for text in (PRINTER, AGAIN)]
    repeats.link_repeat_contacts(wave_of(earlier))  # two contacts on each issue
    third = [open_ticket(manager, AGAIN, email=email) for email in emails]

    # As without flags (above), and the flags: a savepoint and its release around them, the
    # existing ones read, the new ones, their timeline lines, audit rows and events.
    with django_assert_max_num_queries(16):
        repeats.link_repeat_contacts(wave_of(third))

    flags = CaseFlag.objects.filter(kind="repeat_contact")
    assert flags.count() == issues
    assert set(flags.values_list("note", flat=True)) == {"3 contacts about this issue."}
    assert OutboxEvent.objects.filter(name="ticket.flagged").count() == issues
