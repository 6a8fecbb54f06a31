"""The agent list page's pager follows cursors (core.keyset) where the sort has them: the
"Next" link of any page is the page after its last row, found from the sort's index rather
than by skipping rows; a cursor that cannot be followed gets the first page and 400."""

import re
from html import unescape

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def link(body: str, rel: str) -> str:
    return unescape(re.search(rf'<a href="\?([^"]*)" rel="{rel}">', body).group(1))


@pytest.mark.parametrize("sort", ["priority", "reference", "-created", "sla_due", "-sla_due"])
def test_next_and_previous_follow_cursors_through_the_list(client, manager, make_tickets, sort):
    make_tickets(30)
    client.force_login(manager)
    by_number = [
        [t.pk for t in client.get("/tickets/", {"sort": sort, "page": n}).context["page"]]
        for n in (1, 2)
    ]

    first = client.get("/tickets/", {"sort": sort})
    after = link(first.content.decode(), "next")
    assert "cursor=" in after and "page=" not in after and f"sort={sort}" in after
    second = client.get(f"/tickets/?{after}")
    assert second.status_code == 200
    assert [t.pk for t in second.context["page"]] == by_number[1]
    assert 'rel="next"' not in second.content.decode()  # 30 rows: no third page
    assert "(30 tickets)" in second.content.decode()

    back = client.get(f"/tickets/?{link(second.content.decode(), 'prev')}")
    assert [t.pk for t in back.context["page"]] == by_number[0]


def test_a_search_ranked_by_relevance_pages_by_number(client, manager, make_tickets):
    make_tickets(30, title="Printer jammed")
    client.force_login(manager)
    after = link(client.get("/tickets/", {"q": "printer"}).content.decode(), "next")
    if connection.vendor == "postgresql":  # ordered by search_rank first: no cursor for it
        assert "page=2" in after and "cursor=" not in after
    else:  # SQLite matches substrings, unranked: the sort's cursor
        assert "cursor=" in after


def test_a_cursor_that_cannot_be_followed_gets_the_first_page_and_400(
    client, manager, make_tickets
):
    make_tickets(3)
    client.force_login(manager)
    response = client.get("/tickets/", {"cursor": "garbage"})
    assert response.status_code == 400
    assert len(response.context["page"].object_list) == 3
    assert "cursor: Not a cursor this list gave out." in response.content.decode()
