"""The ticket list's one search box and its filters, on SQLite (substrings) and PostgreSQL
(full text, trigram fragments): references by any suffix, requesters by name or address, words
of titles, descriptions and public replies; internal notes for staff only."""

import pytest
from django.urls import reverse

from tests import factories
from tickets.actions import ownership

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(team, requester):
    """Three tickets of the team, each findable by something of its own."""
    fitz = factories.ContactFactory(name="Ella Fitzgerald", email="ella@jazz-records.test")
    return {
        "numbered": factories.TicketFactory(
            team=team,
            requester=requester.contact,
            reference="INC-2026-000023",
            title="Mailbox full",
            description="Quota reached",
        ),
        "printer": factories.TicketFactory(
            team=team,
            requester=requester.contact,
            reference="INC-2026-000451",
            title="Printer offline on floor 3",
            description="Paper tray jammed",
        ),
        "fitz": factories.TicketFactory(
            team=team,
            requester=fitz,
            reference="REQ-2026-000777",
            title="New laptop",
            description="Onboarding",
        ),
    }


def found(client, text: str, **filters) -> set[str]:
    response = client.get(reverse("desk:list"), {"q": text, **filters})
    assert response.status_code == 200
    return {ticket.reference for ticket in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("000023", {"INC-2026-000023"}),  # a reference by its number's suffix
        ("2026-000451", {"INC-2026-000451"}),
        ("req-2026", {"REQ-2026-000777"}),
        ("Fitzgerald", {"REQ-2026-000777"}),  # a requester by surname
        ("jazz-records", {"REQ-2026-000777"}),  # ... or by a part of the address
        ("mailbox", {"INC-2026-000023"}),  # a title word
        ("jammed", {"INC-2026-000451"}),  # a description word
        ("printe", {"INC-2026-000451"}),  # a fragment of a title word
        ("printer floor", {"INC-2026-000451"}),  # every word must match
        ("printer laptop", set()),
    ],
)
def test_the_search_box_finds(client, agent, desk, text, expected):
    client.force_login(agent)
    assert found(client, text) == expected


def test_public_replies_are_searched_for_everyone_internal_notes_for_staff_only(
    client, agent, requester, desk
):
    ticket = desk["printer"]
    factories.TimelineEntryFactory(ticket=ticket, visibility="public", content="toner swapped")
    factories.TimelineEntryFactory(ticket=ticket, visibility="internal", content="vlanmisconfig")
    client.force_login(agent)
    assert found(client, "toner") == {ticket.reference}
    assert found(client, "vlanmisconfig") == {ticket.reference}
    client.force_login(requester)
    assert found(client, "toner") == {ticket.reference}
    assert found(client, "vlanmisconfig") == set()


def test_the_filters_are_select_boxes_autocompletes_and_date_pickers(client, manager, desk):
    client.force_login(manager)
    page = client.get(reverse("desk:list")).content.decode()
    assert '<select name="team" id="id_team">' in page and ">Not routed</option>" in page
    for kind in ("owner", "requester", "category"):
        assert f'data-autocomplete="/autocomplete/{kind}/"' in page
        assert f'<datalist id="{kind}-options">' in page
    assert 'type="date" name="created_after"' in page
    assert 'type="date" name="created_before"' in page
    assert 'type="search" name="q"' in page and "js/autocomplete.js" in page


def test_the_filters_narrow_the_list(client, manager, team, other_team, desk):
    fitz = desk["fitz"]
    ownership.accept_ticket(ticket_id=fitz.pk, actor=manager)
    elsewhere = factories.TicketFactory(team=other_team, category="hardware")
    client.force_login(manager)
    assert found(client, "", team=other_team.slug) == {elsewhere.reference}
    assert found(client, "", owner=manager.email) == {fitz.reference}
    assert found(client, "", owner="me") == {fitz.reference}
    assert found(client, "", requester="ella@jazz-records.test") == {fitz.reference}
    assert found(client, "", category="hardware") == {elsewhere.reference}
    everything = {t.reference for t in desk.values()} | {elsewhere.reference}
    assert found(client, "", created_after="2000-01-01") == everything
    assert found(client, "", created_before="2000-01-01") == set()


@pytest.mark.parametrize("rows", [5, 40])
def test_the_filtered_list_runs_a_constant_number_of_queries(
    client, agent, team, make_tickets, django_assert_max_num_queries, rows
):
    make_tickets(rows, team=team, title="Printer jam", category="hardware")
    client.force_login(agent)
    client.get("/")
    filters = {
        "q": "printe",
        "team": team.slug,
        "owner": "none",
        "category": "hardware",
        "created_after": "2000-01-01",
        "priority": "medium",
    }
    # The list's 10 (tests/pages/test_lists.py) and the search's bounded count on PostgreSQL.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("desk:list"), filters)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(rows, 25)
