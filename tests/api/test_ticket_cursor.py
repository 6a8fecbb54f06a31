"""Cursor pages of GET /api/v1/tickets/ (issue 18: deep pages at a million tickets), added
beside the page numbers: `next_cursor` / `previous_cursor` on every page, `?cursor=` to follow
them, stable while tickets are added, refused with a field message when they cannot be
followed, and a constant number of statements."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make(team, count: int, **fields) -> list:
    """Tickets with few distinct scores (ties) and every third without a running SLA clock."""
    return [
        factories.TicketFactory(
            team=team,
            priority_score=float(n % 2),
            sla_due=None if n % 3 == 0 else T0 + timedelta(minutes=n % 5),
            **fields,
        )
        for n in range(count)
    ]


def ids(body: dict) -> list[str]:
    return [row["id"] for row in body["results"]]


@pytest.mark.parametrize("ordering", [None, "sla_due", "-sla_due", "-created_at", "reference"])
def test_following_next_then_previous_walks_the_list_as_page_numbers_do(api, agent, team, ordering):
    make(team, 11)
    client = api.as_(agent)
    params = {"page_size": 4, **({"ordering": ordering} if ordering else {})}
    by_number = [ids(client.get(URL, {**params, "page": n}).json()) for n in (1, 2, 3)]

    first = client.get(URL, params).json()
    assert first["previous_cursor"] is None and first["next_cursor"]
    second = client.get(URL, {**params, "cursor": first["next_cursor"]}).json()
    third = client.get(URL, {**params, "cursor": second["next_cursor"]}).json()
    assert [ids(first), ids(second), ids(third)] == by_number
    assert third["next_cursor"] is None and third["next"] is None
    assert "cursor=" in second["next"] and "page=" not in second["next"]

    back = client.get(URL, {**params, "cursor": third["previous_cursor"]}).json()
    assert ids(back) == by_number[1]
    assert client.get(second["previous"]).json()["results"] == first["results"]


def test_page_numbers_answer_as_before_with_the_cursors_added(api, agent, team):
    make(team, 6)
    body = api.as_(agent).get(URL, {"page_size": 2, "page": 2}).json()
    assert list(body) == [
        "count",
        "count_is_estimate",
        "next",
        "previous",
        "results",
        "next_cursor",
        "previous_cursor",
    ]
    assert "page=3" in body["next"] and "page=" not in body["previous"]  # page 1: no number
    assert "cursor" not in body["next"] and "cursor" not in body["previous"]
    assert body["next_cursor"] and body["previous_cursor"]


def test_a_cursor_is_stable_while_tickets_are_added(api, agent, team):
    make(team, 8)
    client = api.as_(agent)
    first = client.get(URL, {"page_size": 4}).json()
    # New tickets at the top of the order and in the middle: the next page neither repeats
    # the first page's rows nor skips the ones that were after them.
    top = factories.TicketFactory(team=team, priority_score=99.0)
    factories.TicketFactory(team=team, priority_score=0.5)
    rest = []
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(URL, {"page_size": 4, "cursor": cursor}).json()
        rest += ids(page)
        cursor = page["next_cursor"]
    assert not set(rest) & set(ids(first))
    everything = ids(client.get(URL, {"page_size": 100}).json())
    assert everything[0] == str(top.pk)  # before the cursor: not shown again
    assert ids(first) + rest == everything[1:]  # the middle one in its place


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"cursor": "garbage"}, "Not a cursor"),
        ({"cursor": "CURSOR_OF_DEFAULT", "ordering": "reference"}, "another ordering"),
    ],
)
def test_a_cursor_that_cannot_be_followed_is_a_400_with_a_field_message(
    api, agent, team, params, message
):
    make(team, 3)
    client = api.as_(agent)
    default_cursor = client.get(URL, {"page_size": 1}).json()["next_cursor"]
    params = {k: default_cursor if v == "CURSOR_OF_DEFAULT" else v for k, v in params.items()}
    response = client.get(URL, params)
    assert response.status_code == 400
    (text,) = response.json()["errors"]["cursor"]
    assert message in text


def test_a_cursor_page_runs_a_constant_number_of_queries(
    api, agent, team, django_assert_max_num_queries
):
    make(team, 3)
    client = api.as_(agent)
    cursor = client.get(URL, {"page_size": 1}).json()["next_cursor"]
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, {"page_size": 1, "cursor": cursor}).status_code == 200
    make(team, 30)
    with django_assert_max_num_queries(len(small)):
        body = client.get(URL, {"page_size": 25, "cursor": cursor}).json()
    assert len(body["results"]) == 25
    # role, scope, count (EXPLAIN, then COUNT), keys, rows, flags, decisions
    assert len(small) <= 8, [q["sql"][:80] for q in small]


def test_the_schema_documents_the_cursor(client, agent):
    client.force_login(agent)
    document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    listing = document["paths"]["/api/v1/tickets/"]["get"]
    assert "cursor" in [parameter["name"] for parameter in listing["parameters"]]
    page = document["components"]["schemas"]["PaginatedTicketList"]["properties"]
    assert {"next_cursor", "previous_cursor", "next", "count"} <= set(page)


def test_a_search_ranked_by_relevance_has_no_cursors(api, agent, team):
    for ticket in make(team, 3):
        ticket.title = "Printer jammed"
        ticket.save()
    client = api.as_(agent)
    body = client.get(URL, {"q": "printer", "page_size": 1}).json()
    assert len(body["results"]) == 1
    if connection.vendor != "postgresql":  # SQLite matches substrings, unranked: the sort's
        assert body["next_cursor"]
        return
    assert body["next_cursor"] is None and "page=2" in body["next"]
    default_cursor = client.get(URL, {"page_size": 1}).json()["next_cursor"]
    response = client.get(URL, {"q": "printer", "cursor": default_cursor})
    assert response.status_code == 400
    assert "has no cursors" in response.json()["errors"]["cursor"][0]
