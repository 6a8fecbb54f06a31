"""Repeat contacts: a new ticket like an open (or lately resolved) one of the same requester,
in the same category, is linked to it after the commit; the third contact on one issue (the
threshold of 3) flags the original and tells its owner, once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import AuditLog
from desk.pages.case import repeat_contacts
from notifications.models import Notification
from tickets.actions import companies, creation, lifecycle, ownership
from tickets.models import CaseFlag, RepeatContact, Ticket

pytestmark = pytest.mark.django_db

PRINTER = ("Printer on floor 3 jams", "The printer on floor 3 jams on every page since Monday.")
AGAIN = ("Floor 3 printer still jams", "Still jamming: the floor 3 printer jams on every page.")
VPN = ("VPN refuses my password", "The VPN client says my password is wrong since the update.")


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.ITSM_REPEAT_CONTACT_THRESHOLD = 3
    settings.ITSM_REPEAT_CONTACT_WINDOW_DAYS = 7
    settings.ITSM_REPEAT_CONTACT_SCOPE = "requester"


def open_ticket(actor, text, *, email="ann@customer.example", category="hardware", **extra):
    title, description = text
    data = creation.NewTicket(
        title=title,
        description=description,
        requester_email=email,
        category=category,
        **extra,
    )
    return creation.create_ticket(actor=actor, data=data)


def test_the_third_contact_flags_the_original_and_tells_its_owner_once(manager, agent, team):
    original = open_ticket(manager, PRINTER, team=team)
    ownership.accept_ticket(ticket_id=original.pk, actor=agent)
    second = open_ticket(manager, AGAIN, source="email")
    assert RepeatContact.objects.get(ticket=second).original == original
    assert not CaseFlag.objects.filter(kind="repeat_contact").exists()  # two contacts so far

    third = open_ticket(manager, PRINTER)
    fourth = open_ticket(manager, AGAIN)
    links = RepeatContact.objects.filter(original=original).order_by("created_at")
    assert [link.ticket for link in links] == [second, third, fourth]
    flag = CaseFlag.objects.get(kind="repeat_contact")
    assert flag.ticket == original and flag.note == "3 contacts about this issue."
    told = Notification.objects.filter(event_type="flagged")
    assert [(n.user, n.ticket_id) for n in told] == [(agent, original.pk)]
    assert AuditLog.objects.filter(action="ticket.repeat_linked").count() == 3


def test_both_pages_show_the_linked_contacts(manager, agent, team):
    original = open_ticket(manager, PRINTER, team=team)
    repeat = open_ticket(manager, AGAIN, team=team)
    on_original = repeat_contacts(agent, original)
    on_repeat = repeat_contacts(agent, repeat)
    assert on_original["is_original"] and on_original["linked"] == [repeat]
    assert not on_repeat["is_original"] and on_repeat["linked"] == [original]


def test_other_issues_categories_and_requesters_are_not_linked(manager):
    open_ticket(manager, PRINTER)
    open_ticket(manager, VPN)  # another issue
    open_ticket(manager, AGAIN, category="network")  # another category
    open_ticket(manager, AGAIN, email="bob@customer.example")  # another requester
    assert not RepeatContact.objects.exists()


def test_the_company_scope_links_colleagues(manager, settings):
    settings.ITSM_REPEAT_CONTACT_SCOPE = "company"
    companies.create_company(actor=manager, name="Customer", domains=["customer.example"])
    original = open_ticket(manager, PRINTER)
    repeat = open_ticket(manager, AGAIN, email="bob@customer.example")
    link = RepeatContact.objects.get(ticket=repeat)
    assert (link.original, link.matched_by) == (original, "company")


def resolved_ticket(manager, agent, team, email: str) -> Ticket:
    ticket = open_ticket(manager, PRINTER, team=team, email=email)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Cleaned the rollers")
    return ticket


def test_a_ticket_resolved_within_the_window_counts_and_an_older_one_not(manager, agent, team):
    recent = resolved_ticket(manager, agent, team, "ann@customer.example")
    old = resolved_ticket(manager, agent, team, "bob@customer.example")
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        again = open_ticket(manager, AGAIN, email="ann@customer.example")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        late = open_ticket(manager, AGAIN, email="bob@customer.example")
    assert RepeatContact.objects.get(ticket=again).original == recent
    assert not RepeatContact.objects.filter(ticket=late).exists()
    assert not RepeatContact.objects.filter(original=old).exists()


def test_the_requester_page_shows_nothing_internal(client, manager, requester):
    email = requester.email
    open_ticket(manager, PRINTER, email=email)
    repeat = open_ticket(manager, AGAIN, email=email)
    client.force_login(requester)
    page = client.get(f"/tickets/{repeat.pk}/").content.decode()
    assert "Repeat contact" not in page and "/case/" not in page
    assert client.get(f"/tickets/{repeat.pk}/case/").status_code == 403
