"""An agent's page typed by number deep in the list (core.branches, core.paging.DEEP_OFFSET):
read from the merged walks of the agent's branches (their teams, owned and granted tickets)
instead of an OFFSET over the whole list; the same bytes, the same statements."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import paging
from desk.pages import lists
from tests import factories

pytestmark = pytest.mark.django_db
API, PAGE = "/api/v1/tickets/", "/tickets/"
PRIORITIES = ["low", "medium", "high", "critical"]


@pytest.fixture
def agents_world(agent, team, other_team):
    """Tickets of the agent's team (some owned), owned in another team, granted by a task, and
    others' the agent does not see; several share a score (their order is created, id)."""
    made = [  # the first three owned and in the team: in two branches, listed once
        factories.TicketFactory(
            team=team, priority=PRIORITIES[n % 4], owner=agent if n < 3 else None
        )
        for n in range(9)
    ]
    made += [factories.TicketFactory(team=other_team, owner=agent) for _ in range(3)]
    granted = factories.TicketFactory(team=other_team, priority="high")
    factories.TaskFactory(ticket=granted, assigned_to=agent)
    made.append(granted)
    factories.TicketFactory.create_batch(4, team=other_team)  # not the agent's
    return made


def pages_of(client, path: str, params: dict, deep_from: int, monkeypatch) -> list:
    """(status, bytes, statements) of pages 1-4 (of 4 rows) and two past the end."""
    monkeypatch.setattr(paging, "DEEP_OFFSET", deep_from)
    answers = []
    for number in (1, 2, 3, 4, 5, 0, "x"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {**params, "page": number, "page_size": 4})
        answers.append((response.status_code, _stable(response.content), len(queries)))
    return answers


def _stable(body: bytes) -> bytes:
    """The body without what differs from one response to the next: the page's CSRF token,
    and the second a cursor was signed in with its signature (its payload, the row's key,
    stays)."""
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    return re.sub(rb"(?::|%3A)[0-9A-Za-z]+(?::|%3A)[0-9A-Za-z_-]{20,}", b"", body)


@pytest.mark.parametrize("path", [API, PAGE])
def test_deep_pages_are_the_offset_pages_byte_for_byte(
    api, client, agent, agents_world, monkeypatch, path
):
    caller = api.as_(agent) if path == API else client
    client.force_login(agent)
    monkeypatch.setattr(lists, "PAGE_SIZE", 4)  # the page's size is its own
    caller.get(path)  # a first request reads what later ones find cached
    offset = pages_of(caller, path, {}, 10**9, monkeypatch)
    merged = pages_of(caller, path, {}, 0, monkeypatch)
    assert merged == offset
    statuses = [status for status, _, _ in merged]
    # 13 tickets: pages 1-4 (the API: page 5 and 0 and "x" are 404; the page serves its last).
    if path == API:
        assert statuses == [200, 200, 200, 200, 404, 404, 404]
        seen = [row["id"] for _, body, _ in merged[:4] for row in _json(body)["results"]]
        assert sorted(seen) == sorted(str(ticket.pk) for ticket in agents_world)
    else:  # every row shown, those without an owner too (the owner's join stays outer)
        assert statuses == [200] * 7
        shown = b"".join(body for _, body, _ in merged[:4]).decode()
        assert all(ticket.reference in shown for ticket in agents_world)
    served = {count for status, _, count in merged if status == 200}
    assert len(served) == 1  # one statement count whatever the page


def _json(body: bytes) -> dict:
    return json.loads(body)


@pytest.mark.parametrize(
    "params, merged",
    [
        ({}, True),
        ({"ordering": "-created_at"}, False),  # no index walks a branch in this order
        ({"status": "new"}, False),  # a filter: its own index, walked once, serves better
    ],
)
def test_which_lists_read_the_merged_walks(api, agent, agents_world, monkeypatch, params, merged):
    monkeypatch.setattr(paging, "DEEP_OFFSET", 0)
    with CaptureQueriesContext(connection) as queries:
        body = api.as_(agent).get(API, {**params, "page_size": 4, "page": 2}).json()
    union = [q["sql"] for q in queries if "UNION ALL" in q["sql"] and "OFFSET" in q["sql"]]
    assert bool(union) is merged
    if merged:  # one walk per branch: the team, the owner, the granted ids
        assert len(re.findall(r"AS branch\d", union[0])) == 3 and "SELECT DISTINCT" in union[0]
    assert len(body["results"]) == 4


def test_a_shallow_page_keeps_the_plain_offset(api, agent, agents_world):
    with CaptureQueriesContext(connection) as queries:
        api.as_(agent).get(API, {"page_size": 4, "page": 2})
    assert not [q for q in queries if "UNION ALL" in q["sql"] and "OFFSET" in q["sql"]]
    assert paging.DEEP_OFFSET == 1_000


def test_the_admin_list_has_no_branches(api, manager, agents_world, monkeypatch):
    monkeypatch.setattr(paging, "DEEP_OFFSET", 0)
    with CaptureQueriesContext(connection) as queries:
        body = api.as_(manager).get(API, {"page_size": 4, "page": 3}).json()
    assert not [q for q in queries if "UNION ALL" in q["sql"] and "OFFSET" in q["sql"]]
    assert body["count"] == 17 and len(body["results"]) == 4
