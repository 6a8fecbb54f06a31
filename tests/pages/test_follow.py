"""Following a ticket without e-mail: the requester's ticket page polls a cheap endpoint that
answers 204 while nothing the requester may see changed, and tells the page to redraw when it
did (desk.portal.follow). Internal notes change nothing a requester sees: they do not wake it."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tickets.actions import lifecycle, ownership, timeline

pytestmark = pytest.mark.django_db


def poller_url(page: str) -> str:
    match = re.search(r'id="follow" class="follow" hx-get="([^"]+)"', page)
    assert match, "no poller on the page"
    return match.group(1).replace("&amp;", "&")


def note(ticket, actor, visibility, content):
    timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=actor, type="note", visibility=visibility, content=content
    )


def test_the_page_follows_public_changes_only(client, agent, requester, ticket):
    client.force_login(requester)
    page = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    url = poller_url(page)
    assert 'hx-trigger="every 20s"' in page
    assert 'hx-select-oob="#ticket-status,#timeline-list,#actions"' in page
    assert client.get(url).status_code == 204

    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)  # status changed
    changed = client.get(url)
    assert changed.status_code == 200 and changed["HX-Trigger"] == "ticket-changed"
    url = poller_url(changed.content.decode())
    assert client.get(url).status_code == 204

    note(ticket, agent, "internal", "root cause is secret")
    assert client.get(url).status_code == 204  # nothing the requester sees changed

    note(ticket, agent, "public", "We are on it")
    assert client.get(url).status_code == 200
    redrawn = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert "We are on it" in redrawn and "root cause is secret" not in redrawn


def test_polling_stops_once_the_ticket_is_closed(client, agent, requester, ticket):
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Fixed")
    client.force_login(requester)
    url = poller_url(client.get(reverse("desk:detail", args=[ticket.pk])).content.decode())
    lifecycle.close_ticket(ticket_id=ticket.pk, actor=requester)
    assert client.get(url).status_code == 286  # htmx stops an "every" trigger on 286
    page = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert 'id="follow"' not in page


def test_only_those_who_see_the_ticket_follow_it(client, ticket):
    client.force_login(factories.RequesterFactory())
    assert client.get(reverse("desk:follow", args=[ticket.pk])).status_code == 404


def test_staff_pages_do_not_poll(client, agent, ticket):
    client.force_login(agent)
    page = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert 'id="follow"' not in page


def test_a_poll_costs_few_queries(client, requester, ticket, django_assert_max_num_queries):
    client.force_login(requester)
    url = poller_url(client.get(reverse("desk:detail", args=[ticket.pk])).content.decode())
    for _ in range(3):
        factories.TimelineEntryFactory(ticket=ticket, visibility="public")
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200
