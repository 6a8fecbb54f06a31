"""``/autocomplete/<kind>/``: the suggestions of the list's filters and the ticket's category,
for staff only, at most ten, in a constant number of queries."""

import pytest
from django.urls import reverse

from desk.pages.autocomplete import LIMIT
from tests import factories

pytestmark = pytest.mark.django_db


def suggest(client, kind: str, text: str = ""):
    return client.get(reverse("desk:autocomplete", args=[kind]), {"q": text})


def values(response) -> list[str]:
    assert response.status_code == 200
    return [item["value"] for item in response.json()["results"]]


def test_requesters_by_name_or_address(client, agent):
    factories.ContactFactory(name="Ella Fitzgerald", email="ella@jazz.test")
    factories.ContactFactory(name="Louis Armstrong", email="satchmo@jazz.test")
    client.force_login(agent)
    assert values(suggest(client, "requester", "fitz")) == ["ella@jazz.test"]
    assert values(suggest(client, "requester", "satchmo")) == ["satchmo@jazz.test"]
    assert suggest(client, "requester", "fitz").json()["results"][0]["label"] == "Ella Fitzgerald"
    assert sorted(values(suggest(client, "requester", "jazz.test"))) == [
        "ella@jazz.test",
        "satchmo@jazz.test",
    ]


def test_owners_are_staff_only(client, agent, team, requester):
    colleague = factories.AgentFactory(
        teams=[team], first_name="Grace", last_name="Hopper", email="grace@desk.test"
    )
    client.force_login(agent)
    assert values(suggest(client, "owner", "hopper")) == [colleague.email]
    assert requester.email not in values(suggest(client, "owner", requester.email[:6]))


def test_teams_and_categories(client, agent, team, other_team):
    factories.TicketFactory(team=team, category="hardware")
    factories.TicketFactory(team=team, category="hardware")
    factories.TicketFactory(team=team, category="network")
    client.force_login(agent)
    assert values(suggest(client, "team", "app")) == [other_team.slug]
    assert values(suggest(client, "category", "ware")) == ["hardware"]  # distinct
    assert set(values(suggest(client, "category"))) >= {"hardware", "network"}


@pytest.mark.parametrize("rows", [3, 30])
def test_results_are_limited_and_queries_constant(
    client, agent, django_assert_max_num_queries, rows
):
    factories.ContactFactory.create_batch(rows, name="Same Name")
    client.force_login(agent)
    suggest(client, "requester", "same")
    # session, user, the role's groups, the contacts
    with django_assert_max_num_queries(4):
        response = suggest(client, "requester", "same")
    assert len(values(response)) == min(rows, LIMIT)


def test_requesters_and_strangers_are_refused(client, requester):
    assert suggest(client, "requester", "a").status_code == 302  # to the sign-in page
    client.force_login(requester)
    assert suggest(client, "requester", "a").status_code == 403
    assert suggest(client, "owner", "a").status_code == 403


def test_an_unknown_list_is_not_found(client, agent):
    client.force_login(agent)
    assert suggest(client, "passwords").status_code == 404
